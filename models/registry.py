"""Model name -> how to build, train and evaluate it (``genspec train MODEL``).

Every model is an ``nn.Module`` with

    training_loss(x, *, generator, step) -> (loss: scalar tensor, metrics: dict[str, tensor])

for a batch ``x: (B, 1, 28, 28)`` already transformed (``models.data.TRANSFORMS``), its
randomness drawn from ``generator`` (on the model's device). ``kind`` tells the evaluation what
else the model offers: ``gaussian_vae`` (``encode``, ``log_px_given_z``, ``log_prior``,
``reconstruct``), ``categorical_vae`` (``discrete_neg_elbo``, ``tau``), ``flow`` (``log_prob``,
``sample``) and ``autoencoder`` (``reconstruct``; loss per-pixel BCE).

The autoencoders of ``models.autoencoders.registry`` are included when that package imports.

References: seeds 000 (``vae``), 001 (``vae2d``, the autoencoders), 003 (``nice``), 004
(``conv_vae``); Jang et al. 2017 (``gumbel_vae``, ``gumbel_vae_st``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import torch
from torch import nn

__all__ = ["KINDS", "NICE_ADAM", "ModelSpec", "get", "names", "registry"]

KINDS = ("gaussian_vae", "categorical_vae", "flow", "autoencoder")


@dataclass(frozen=True)
class ModelSpec:
    """What ``genspec train`` needs to know about one model.

    ``build(**kwargs)`` makes the module; ``kwargs`` are stored in checkpoints so that
    ``genspec evaluate`` rebuilds the same module. ``optimizer`` is a ``torch.optim`` class name
    with ``optimizer_kwargs``.
    """

    name: str
    kind: str
    build: Callable[..., nn.Module]
    transform: str
    epochs: int
    batch_size: int
    description: str
    anchor: str = ""
    kwargs: dict[str, Any] = field(default_factory=dict)
    optimizer: str = "Adam"
    optimizer_kwargs: dict[str, Any] = field(default_factory=lambda: {"lr": 1e-3})

    def make_model(self) -> nn.Module:
        return self.build(**self.kwargs)

    def make_optimizer(self, params: Any) -> torch.optim.Optimizer:
        return getattr(torch.optim, self.optimizer)(params, **self.optimizer_kwargs)


def _vae(**kw: Any) -> nn.Module:
    from genspec.models.vae import MLPVAE
    return MLPVAE(**kw)


def _conv_vae(**kw: Any) -> nn.Module:
    from genspec.models.conv_vae import ConvVAE
    return ConvVAE(**kw)


def _gumbel_vae(**kw: Any) -> nn.Module:
    from genspec.models.gumbel_vae import CategoricalVAE
    return CategoricalVAE(**kw)


def _nice(**kw: Any) -> nn.Module:
    from genspec.models.nice_model import NICEModel
    return NICEModel(**kw)


#: NICE's optimiser, the paper's Adam settings in torch's convention (``models.nice_model`` says why).
NICE_ADAM: dict[str, Any] = {"lr": 1e-3, "betas": (0.9, 0.99), "eps": 1e-4}


def _builtin() -> dict[str, ModelSpec]:
    """The models of this package; nothing is imported until a model is built (the CLI stays light)."""
    specs = [
        ModelSpec("vae", "gaussian_vae", _vae, "binarize", epochs=10, batch_size=128,
                  kwargs={"hidden": 400, "latent": 20},
                  description="seed 000: MLP VAE 784-400-20, Bernoulli decoder (logits), dynamic binarization",
                  anchor="IWAE paper, one-layer VAE (k=1) on binarized MNIST: log p(x) ~ -86.76 nats"),
        ModelSpec("vae2d", "gaussian_vae", _vae, "binarize", epochs=50, batch_size=100,
                  kwargs={"hidden": 256, "latent": 2},
                  description="seed 001: MLP VAE 784-256-2 (Keras example), latent scatter and 15x15 manifold"),
        ModelSpec("conv_vae", "gaussian_vae", _conv_vae, "unit", epochs=10, batch_size=128,
                  kwargs={"latent": 16, "beta": 0.0025},
                  description="seed 004: conv VAE (BatchNorm+LeakyReLU encoder, upsampling residual decoder), "
                              "mean MSE + 0.0025 KL"),
        ModelSpec("gumbel_vae", "categorical_vae", _gumbel_vae, "binarize", epochs=100, batch_size=100,
                  kwargs={"variables": 20, "categories": 10, "hard": False},
                  description="Jang et al. 2017: categorical VAE, 20 x 10 Gumbel-Softmax latents (soft)",
                  anchor="Jang et al. 2017, Table 2: -ELBO 101.5 (Gumbel-Softmax), binarized MNIST"),
        ModelSpec("gumbel_vae_st", "categorical_vae", _gumbel_vae, "binarize", epochs=100, batch_size=100,
                  kwargs={"variables": 20, "categories": 10, "hard": True},
                  description="Jang et al. 2017: categorical VAE, 20 x 10 latents, straight-through Gumbel-Softmax",
                  anchor="Jang et al. 2017, Table 2: -ELBO 107.8 (ST Gumbel-Softmax), binarized MNIST"),
        ModelSpec("nice", "flow", _nice, "dequantize", epochs=1500, batch_size=256,
                  kwargs={"couplings": 4, "hidden": 1000, "depth": 5, "prior": "logistic"},
                  optimizer_kwargs=dict(NICE_ADAM),
                  description="seed 003 / Dinh et al. 2015: NICE, 4 additive couplings of 5 x 1000 ReLU, "
                              "logistic prior, dequantized data",
                  anchor="NICE paper, MNIST: log-likelihood 1980.50 nats = 4.36 bits/dim"),
    ]
    return {s.name: s for s in specs}


def _autoencoders() -> dict[str, ModelSpec]:
    """The autoencoder family (``models.autoencoders``: ``registry`` and ``TRAINING``), if it imports."""
    try:
        from genspec.models.autoencoders import TRAINING, registry as ae_registry
    except Exception:  # the family is optional: absent, or broken while it is being written
        return {}
    specs = {}
    for name, build in ae_registry.items():
        t = TRAINING.get(name, {})
        specs[name] = ModelSpec(name, "autoencoder", build, "unit", epochs=t.get("epochs", 50),
                                batch_size=t.get("batch_size", 256), description=t.get("description", name),
                                anchor=t.get("anchor", ""), optimizer=t.get("optimizer", "Adam"),
                                optimizer_kwargs=dict(t.get("optimizer_kwargs", {"lr": 1e-3})))
    return specs


def registry() -> dict[str, ModelSpec]:
    """All models, built-in first, then the autoencoders."""
    out = _builtin()
    for name, spec in _autoencoders().items():
        out.setdefault(name, spec)
    return out


def names() -> list[str]:
    return list(registry())


def get(name: str) -> ModelSpec:
    """The spec called ``name``; ``ValueError`` naming the known ones otherwise."""
    specs = registry()
    if name not in specs:
        raise ValueError(f"model={name!r}, but should be one of {sorted(specs)}")
    return specs[name]
