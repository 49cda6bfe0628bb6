"""Shared by the catalogue's hard Gumbel-Softmax entries: the reference's soft sample, so that each
entry writes out only the hard step it gets wrong."""

from __future__ import annotations

import torch
from torch import Tensor

from genspec.reference.gumbel_softmax import noisy_logits, tempered_softmax

__all__ = ["soft_sample"]


def soft_sample(logits: Tensor, tau: float | Tensor, gumbels: Tensor | None,
                generator: torch.Generator | None) -> tuple[Tensor, Tensor]:
    """``(y, noisy)``: the reference's soft sample ``(*batch, K)`` in the logits' dtype and the float64
    noisy logits ``logits + g`` ``(*batch, K)`` it was computed from (inputs validated as the reference does)."""
    noisy, tau64 = noisy_logits(logits, tau, gumbels, generator)
    return tempered_softmax(noisy, tau64, logits.dtype), noisy
