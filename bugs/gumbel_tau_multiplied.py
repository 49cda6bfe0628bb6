"""gumbel_softmax multiplies by the temperature: softmax((logits + g) * tau)."""

from __future__ import annotations

import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.gumbel import _check_logits, _check_tau, _gumbel64  # noqa: F401
from genspec.reference.gumbel_softmax import (  # noqa: F401
    _gumbels64, _hard_index, _noisy_logits, _soft, _straight_through, _tau64,
)

AREA = "gumbel"
TIER = "law"
CAUGHT_BY = "properties/test_gumbel_softmax.py::test_hard_gradient_equals_soft_gradient"
SOURCE = "plausible: temperature confused with an inverse temperature (beta = 1/tau), as in code that writes logits * temperature"


def gumbel_softmax(logits: Tensor, tau: float | Tensor, *, hard: bool = False, gumbels: Tensor | None = None,
                   generator: torch.Generator | None = None) -> Tensor:
    noisy, tau64 = _noisy_logits(logits, tau, gumbels, generator)
    y = torch.softmax(noisy * tau64, dim=-1).to(logits.dtype)  # BUG: (l + g) * tau, not (l + g) / tau
    if not hard:
        return y
    return _straight_through(y, _hard_index(noisy))
