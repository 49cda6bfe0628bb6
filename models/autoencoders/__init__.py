"""The autoencoder family of seeds 001 and 002, for ``genspec train`` / ``genspec evaluate``.

``SPECS`` registers each model (``models.registry``) with the seed's training schedule, a one-line
description and, where the seed reports a number, its anchor; ``registry`` maps a model name to its
constructor (keyword arguments only, all defaulted to the seeds' configuration). Every model
follows ``models.autoencoders.base.Autoencoder``'s interface: batches ``(B, 1, 28, 28)`` (or any
layout with 784 numbers per example) in [0, 1]; ``training_loss(x, *, generator, step) -> (loss,
metrics)``; ``reconstruct(x)`` shaped like x; ``encode(x)``. The three single-hidden-layer dense
models share ``dense.SingleLayerAE``.

| name | model | seed |
|---|---|---|
| ``dense_ae`` | 784-32-784, ReLU code, sigmoid output, per-pixel BCE | 001 |
| ``sparse_l1_ae`` | dense + L1 activity penalty 1e-4 (the seed's "10e-5") | 001 |
| ``sparse_kl_ae`` | sigmoid code + β·Σ_j KL(0.05 ‖ ρ̂_j), ρ̂ over the batch | 002 |
| ``deep_ae`` | 784-128-64-32-64-128-784 | 001 |
| ``conv_ae`` | convolutional, code 8x4x4 | 001 |
| ``denoising_gaussian_ae`` | convolutional denoiser, Gaussian noise 0.5 clipped to [0, 1] | 001 |
| ``denoising_masking_ae`` | convolutional denoiser, masking noise (25% of pixels) | 002 |
| ``contractive_ae`` | sigmoid 784-32-784 + λ‖J‖_F² in closed form | 002 |
| ``stacked_ae`` | 784-128-64-32, greedy layer-wise, then fine-tuned | 002 |
| ``seq2seq_ae`` | LSTM encoder -> repeated code -> LSTM decoder, rows as time steps | 001 |
"""

from __future__ import annotations

from functools import partial
from typing import Any, Callable

from torch import nn

from genspec.models.autoencoders.base import Autoencoder
from genspec.models.autoencoders.contractive import ContractiveAE
from genspec.models.autoencoders.conv import ConvAE
from genspec.models.autoencoders.deep import DeepAE
from genspec.models.autoencoders.dense import DenseAE, SingleLayerAE
from genspec.models.autoencoders.denoising import DenoisingConvAE
from genspec.models.autoencoders.seq2seq import Seq2SeqAE
from genspec.models.autoencoders.sparse import SparseKLAE, SparseL1AE
from genspec.models.autoencoders.stacked import StackedAE, greedy_pretrain
from genspec.models.spec import ModelSpec

__all__ = [
    "SPECS", "Autoencoder", "ContractiveAE", "ConvAE", "DeepAE", "DenoisingConvAE", "DenseAE", "Seq2SeqAE",
    "SingleLayerAE", "SparseKLAE", "SparseL1AE", "StackedAE", "greedy_pretrain", "registry",
]

# The seeds use the Keras 1 API, whose Adadelta defaults are lr 1.0, rho 0.95, epsilon 1e-8.
_ADADELTA: dict[str, Any] = {"optimizer": "Adadelta", "optimizer_kwargs": {"lr": 1.0, "rho": 0.95, "eps": 1e-8}}
_ADAM: dict[str, Any] = {"optimizer": "Adam", "optimizer_kwargs": {"lr": 1e-3}}


def _spec(name: str, build: Callable[..., nn.Module], *, epochs: int, batch_size: int, description: str,
          anchor: str = "", optimizer: str, optimizer_kwargs: dict[str, Any]) -> ModelSpec:
    """An autoencoder's spec: kind ``autoencoder``, data in [0, 1] (``unit``), no constructor kwargs."""
    return ModelSpec(name, "autoencoder", build, "unit", epochs=epochs, batch_size=batch_size,
                     description=description, anchor=anchor, optimizer=optimizer,
                     optimizer_kwargs=dict(optimizer_kwargs))


SPECS: tuple[ModelSpec, ...] = (
    _spec("dense_ae", DenseAE, epochs=50, batch_size=256, **_ADADELTA,
          anchor="seed 001: loss 0.10 after 50 epochs (MNIST)",
          description="seed 001: dense 784-32-784, ReLU code, sigmoid output, per-pixel BCE"),
    _spec("sparse_l1_ae", SparseL1AE, epochs=100, batch_size=256, **_ADADELTA,
          anchor="seed 001: loss 0.11 after 100 epochs, code mean 3.33 (MNIST)",
          description="seed 001: dense 784-32-784 + L1 activity penalty 1e-4 ('10e-5')"),
    _spec("sparse_kl_ae", SparseKLAE, epochs=50, batch_size=256, **_ADAM,
          description="seed 002: sigmoid 784-32-784 + (3/784) sum_j KL(0.05 || rho_hat_j)"),
    _spec("deep_ae", DeepAE, epochs=100, batch_size=256, **_ADADELTA,
          anchor="seed 001: loss 0.097 after 100 epochs (MNIST)",
          description="seed 001: deep 784-128-64-32-64-128-784"),
    _spec("conv_ae", ConvAE, epochs=50, batch_size=128, **_ADADELTA,
          anchor="seed 001: loss 0.094 after 50 epochs (MNIST)",
          description="seed 001: convolutional autoencoder, code 8x4x4"),
    _spec("denoising_gaussian_ae", partial(DenoisingConvAE, corruption="gaussian"), epochs=100, batch_size=128,
          **_ADADELTA, description="seed 001: convolutional denoiser, Gaussian noise 0.5 clipped to [0, 1]"),
    _spec("denoising_masking_ae", partial(DenoisingConvAE, corruption="masking"), epochs=100, batch_size=128,
          **_ADADELTA, description="seed 002 / Vincent et al. 2008: convolutional denoiser, 25% masking"),
    _spec("contractive_ae", ContractiveAE, epochs=50, batch_size=256, **_ADAM,
          description="seed 002 / Rifai et al. 2011: sigmoid 784-32-784 + (0.1/784) ||J||_F^2"),
    _spec("stacked_ae", StackedAE, epochs=50, batch_size=256, **_ADAM,
          description="seed 002 / Bengio et al. 2007: 784-128-64-32 sigmoid, greedy 1000 steps per layer, "
                      "then fine-tuned"),
    _spec("seq2seq_ae", Seq2SeqAE, epochs=20, batch_size=128, **_ADAM,
          description="seed 001: LSTM seq2seq autoencoder, 28 rows x 28 features, code 32, MSE"),
)

registry: dict[str, Callable[..., nn.Module]] = {spec.name: spec.build for spec in SPECS}
"""Model name -> constructor; ``registry[name]()`` builds the seed's configuration."""
