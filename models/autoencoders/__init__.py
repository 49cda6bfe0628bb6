"""The autoencoder family of seeds 001 and 002, for ``genspec train`` / ``genspec evaluate``.

``registry`` maps a model name to its constructor (keyword arguments only, all defaulted to the
seeds' configuration); ``TRAINING`` gives each name the seed's training schedule and a one-line
description. Every model follows ``models.autoencoders.base.Autoencoder``'s interface: batches
``(B, 1, 28, 28)`` (or any layout with 784 numbers per example) in [0, 1];
``training_loss(x, *, generator, step) -> (loss, metrics)``; ``reconstruct(x)`` shaped like x;
``encode(x)``.

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
from genspec.models.autoencoders.dense import DenseAE
from genspec.models.autoencoders.denoising import DenoisingConvAE
from genspec.models.autoencoders.seq2seq import Seq2SeqAE
from genspec.models.autoencoders.sparse import SparseKLAE, SparseL1AE
from genspec.models.autoencoders.stacked import StackedAE, greedy_pretrain

__all__ = [
    "Autoencoder", "ContractiveAE", "ConvAE", "DeepAE", "DenoisingConvAE", "DenseAE", "Seq2SeqAE",
    "SparseKLAE", "SparseL1AE", "StackedAE", "TRAINING", "greedy_pretrain", "registry",
]

registry: dict[str, Callable[..., nn.Module]] = {
    "dense_ae": DenseAE,
    "sparse_l1_ae": SparseL1AE,
    "sparse_kl_ae": SparseKLAE,
    "deep_ae": DeepAE,
    "conv_ae": ConvAE,
    "denoising_gaussian_ae": partial(DenoisingConvAE, corruption="gaussian"),
    "denoising_masking_ae": partial(DenoisingConvAE, corruption="masking"),
    "contractive_ae": ContractiveAE,
    "stacked_ae": StackedAE,
    "seq2seq_ae": Seq2SeqAE,
}
"""Model name -> constructor; ``registry[name]()`` builds the seed's configuration."""

_ADADELTA = {"optimizer": "Adadelta", "optimizer_kwargs": {"lr": 1.0, "rho": 0.95, "eps": 1e-8}}
_ADAM = {"optimizer": "Adam", "optimizer_kwargs": {"lr": 1e-3}}

TRAINING: dict[str, dict[str, Any]] = {
    "dense_ae": dict(epochs=50, batch_size=256, **_ADADELTA, anchor="seed 001: loss 0.10 after 50 epochs (MNIST)",
                     description="seed 001: dense 784-32-784, ReLU code, sigmoid output, per-pixel BCE"),
    "sparse_l1_ae": dict(epochs=100, batch_size=256, **_ADADELTA,
                         anchor="seed 001: loss 0.11 after 100 epochs, code mean 3.33 (MNIST)",
                         description="seed 001: dense 784-32-784 + L1 activity penalty 1e-4 ('10e-5')"),
    "sparse_kl_ae": dict(epochs=50, batch_size=256, **_ADAM,
                         description="seed 002: sigmoid 784-32-784 + (3/784) sum_j KL(0.05 || rho_hat_j)"),
    "deep_ae": dict(epochs=100, batch_size=256, **_ADADELTA, anchor="seed 001: loss 0.097 after 100 epochs (MNIST)",
                    description="seed 001: deep 784-128-64-32-64-128-784"),
    "conv_ae": dict(epochs=50, batch_size=128, **_ADADELTA, anchor="seed 001: loss 0.094 after 50 epochs (MNIST)",
                    description="seed 001: convolutional autoencoder, code 8x4x4"),
    "denoising_gaussian_ae": dict(epochs=100, batch_size=128, **_ADADELTA,
                                  description="seed 001: convolutional denoiser, Gaussian noise 0.5 clipped to [0, 1]"),
    "denoising_masking_ae": dict(epochs=100, batch_size=128, **_ADADELTA,
                                 description="seed 002 / Vincent et al. 2008: convolutional denoiser, 25% masking"),
    "contractive_ae": dict(epochs=50, batch_size=256, **_ADAM,
                           description="seed 002 / Rifai et al. 2011: sigmoid 784-32-784 + (0.1/784) ||J||_F^2"),
    "stacked_ae": dict(epochs=50, batch_size=256, **_ADAM,
                       description="seed 002 / Bengio et al. 2007: 784-128-64-32 sigmoid, greedy 1000 steps "
                                   "per layer, then fine-tuned"),
    "seq2seq_ae": dict(epochs=20, batch_size=128, **_ADAM,
                       description="seed 001: LSTM seq2seq autoencoder, 28 rows x 28 features, code 32, MSE"),
}
"""Per name: the seed's schedule (epochs, batch size, optimiser), a description, and where the seed
reports a number, its anchor. The seed uses the Keras 1 API, whose Adadelta defaults are lr 1.0,
rho 0.95, epsilon 1e-8."""
