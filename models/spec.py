"""What ``genspec train`` / ``genspec evaluate`` need to know about one model: its ``ModelSpec``.

Every model is an ``nn.Module`` with

    training_loss(x, *, generator, step) -> (loss: scalar tensor, metrics: dict[str, tensor])

for a batch ``x: (B, 1, 28, 28)`` already transformed (``models.data.TRANSFORMS``), its
randomness drawn from ``generator`` (on the model's device). ``kind`` tells the evaluation what
else the model offers: ``gaussian_vae`` (``encode``, ``log_px_given_z``, ``log_prior``,
``reconstruct``), ``categorical_vae`` (``discrete_neg_elbo``, ``tau``), ``flow`` (``log_prob``,
``sample``) and ``autoencoder`` (``reconstruct``; loss per-pixel BCE).

Each family package (``models.vae``, ``models.flows``, ``models.autoencoders``) lists its specs in
``SPECS``; ``models.registry`` collects them. A spec is checked when it is made, so a family with
a wrong kind, transform, schedule or optimiser fails at import, naming the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import torch
from torch import nn

from genspec.models.data import TRANSFORMS

__all__ = ["KINDS", "ModelSpec"]

KINDS = ("gaussian_vae", "categorical_vae", "flow", "autoencoder")


@dataclass(frozen=True)
class ModelSpec:
    """One model: how to build it, its data transform, default schedule and optimiser.

    ``build(**kwargs)`` makes the module; ``kwargs`` are stored in checkpoints so that
    ``genspec evaluate`` rebuilds the same module. ``optimizer`` is a ``torch.optim`` class name
    with ``optimizer_kwargs``. ``anchor`` is the number a paper or seed reports, if any.
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

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"model {self.name!r}: kind={self.kind!r}, but should be one of {KINDS}")
        if self.transform not in TRANSFORMS:
            raise ValueError(f"model {self.name!r}: transform={self.transform!r}, but should be one of {TRANSFORMS}")
        for option in ("epochs", "batch_size"):
            value = getattr(self, option)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"model {self.name!r}: {option}={value!r}, but should be a positive integer")
        if not isinstance(getattr(torch.optim, self.optimizer, None), type):
            raise ValueError(f"model {self.name!r}: optimizer={self.optimizer!r} is not a torch.optim class")

    def make_model(self) -> nn.Module:
        return self.build(**self.kwargs)

    def make_optimizer(self, params: Any) -> torch.optim.Optimizer:
        return getattr(torch.optim, self.optimizer)(params, **self.optimizer_kwargs)
