"""gumbel_softmax(hard=True) with fresh noise draws twice: the one-hot from one draw, the gradient from another."""

from __future__ import annotations

import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.gumbel import gumbel64
from genspec.reference.gumbel_softmax import hard_index, straight_through

from genspec.bugs._gumbel import soft_sample

AREA = "gumbel"
TIER = "law"
CAUGHT_BY = "properties/test_gumbel_softmax.py::test_hard_sample_and_its_gradient_come_from_the_same_noise"
SOURCE = ("plausible: `hard = one_hot(gumbel_max(logits, generator=g))` next to `soft = gumbel_softmax(logits, "
          "tau, generator=g)`, two draws from the generator; with explicit gumbels both use the same noise, so "
          "every explicit-noise check passes and each output alone has the right law")


def gumbel_softmax(logits: Tensor, tau: float | Tensor, *, hard: bool = False, gumbels: Tensor | None = None,
                   generator: torch.Generator | None = None) -> Tensor:
    y, noisy = soft_sample(logits, tau, gumbels, generator)
    if not hard:
        return y
    if gumbels is None:  # BUG: a second draw for the forward one-hot
        noisy = logits.detach().to(torch.float64) + gumbel64(logits.shape, generator, logits.device)
    return straight_through(y, hard_index(noisy))
