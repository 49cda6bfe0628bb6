"""gumbel_softmax multiplies by the temperature: softmax((logits + g) * tau)."""

from __future__ import annotations

import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.gumbel_softmax import hard_index, noisy_logits, straight_through

AREA = "gumbel"
TIER = "law"
CAUGHT_BY = "properties/test_gumbel_softmax.py::test_hard_gradient_equals_soft_gradient"
SOURCE = "plausible: temperature confused with an inverse temperature (beta = 1/tau), as in code that writes logits * temperature"


def gumbel_softmax(logits: Tensor, tau: float | Tensor, *, hard: bool = False, gumbels: Tensor | None = None,
                   generator: torch.Generator | None = None) -> Tensor:
    noisy, tau64 = noisy_logits(logits, tau, gumbels, generator)
    y = torch.softmax(noisy * tau64, dim=-1).to(logits.dtype)  # BUG: (l + g) * tau, not (l + g) / tau
    if not hard:
        return y
    return straight_through(y, hard_index(noisy))
