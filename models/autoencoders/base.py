r"""The common interface of the autoencoder family: input checks, reconstruction, the training loss.

Every model is an ``nn.Module`` with

- ``input_shape``: the shape of one example as the model computes with it (``(784,)``,
  ``(1, 28, 28)``, ``(28, 28)`` for the sequence model);
- ``encode(x)``: the code; ``decode_logits(code)``: Bernoulli logits shaped like one input;
- ``forward(x)`` / ``reconstruct(x)``: ``sigmoid(decode_logits(encode(x)))``, shaped like ``x``;
- ``training_loss(x, *, generator=None, step=None) -> (loss, metrics)``: the objective of the seed
  (a 0-d tensor, mean over the batch) and detached metrics. ``generator`` supplies the corruption
  noise of the denoising models; ``step`` drives the stacked model's greedy schedule.

A batch ``x`` is ``(B, ...)`` whose examples hold ``prod(input_shape)`` numbers, in any layout
(``(B, 1, 28, 28)``, ``(B, 28, 28)`` or ``(B, 784)``); anything else raises ``ValueError`` naming x.
Nothing assumes a device: parameters and inputs decide it. Constructor options are checked with
``real_option`` / ``int_option`` / ``sizes_option``: a bool, a string, None or any other non-number
raises ``ValueError`` naming the option (``float(True)`` would silently be 1).

References:
    Seed 001 (001_b5504797ad883274.txt): ``Model(input_img, decoded)``, ``encoder``, ``decoder``.
"""

from __future__ import annotations

import math
import numbers

import torch
from torch import nn

from genspec.models.autoencoders.losses import pixel_bce
from genspec.reference.validation import real_number as real_option

__all__ = ["Autoencoder", "int_option", "real_option", "sizes_option"]


def int_option(name: str, value: object, *, minimum: int = 1) -> int:
    """``value`` if it is an integer ``>= minimum`` (not a bool); otherwise ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        kind = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise ValueError(f"{name}={value!r}, but should be {kind}")
    return int(value)


def sizes_option(name: str, value: object) -> tuple[int, ...]:
    """``tuple(value)`` if it holds at least two positive integers (no bools); otherwise ValueError naming ``name``."""
    try:
        sizes = tuple(value)  # type: ignore[arg-type]
    except TypeError:
        sizes = ()
    if len(sizes) < 2 or not all(not isinstance(s, bool) and isinstance(s, numbers.Integral) and s >= 1
                                 for s in sizes):
        raise ValueError(f"{name}={value!r}, but should be at least two positive integers")
    return tuple(int(s) for s in sizes)


class Autoencoder(nn.Module):
    """Base class: subclasses set ``input_shape`` and define ``encode`` and ``decode_logits``."""

    input_shape: tuple[int, ...] = (784,)

    @property
    def num_inputs(self) -> int:
        """D, the numbers in one example."""
        return math.prod(self.input_shape)

    def prepare(self, x: torch.Tensor) -> torch.Tensor:
        """Check and reshape a batch: ``(B, ...)`` with D numbers per example -> ``(B, *input_shape)``."""
        if not isinstance(x, torch.Tensor) or x.dim() < 2 or not x.is_floating_point():
            raise ValueError(f"x must be a floating-point batch (B, ...) of {self.input_shape} inputs, got "
                             f"{type(x).__name__} of shape {tuple(getattr(x, 'shape', ()))}")
        if math.prod(x.shape[1:]) != self.num_inputs:
            raise ValueError(f"x of shape {tuple(x.shape)} has {math.prod(x.shape[1:])} numbers per example, "
                             f"but {type(self).__name__} takes {self.num_inputs} ({self.input_shape})")
        return x.reshape(x.shape[0], *self.input_shape)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def decode_logits(self, code: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        """Reconstruction logits ``(B, *input_shape)`` of a batch."""
        return self.decode_logits(self.encode(x))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The reconstruction ``sigmoid(logits)``, shaped like ``x``."""
        return torch.sigmoid(self.logits(x)).reshape(x.shape)

    def reconstruct(self, x: torch.Tensor) -> torch.Tensor:
        """Same as ``forward``: the mean reconstruction in (0, 1), shaped like ``x``."""
        return self(x)

    def training_loss(self, x: torch.Tensor, *, generator: torch.Generator | None = None,
                      step: int | None = None) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """Per-pixel BCE of the reconstruction (seed 001's ``loss='binary_crossentropy'``)."""
        xp = self.prepare(x)
        bce = pixel_bce(self.logits(xp), xp)
        return bce, {"bce": bce.detach()}
