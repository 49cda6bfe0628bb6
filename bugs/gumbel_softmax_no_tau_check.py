"""gumbel_softmax accepts tau = 0 (and negative tau) and returns NaN instead of raising ValueError."""

from __future__ import annotations

import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.gumbel import _check_logits, _check_tau, _gumbel64  # noqa: F401
from genspec.reference.gumbel_softmax import (  # noqa: F401
    _gumbels64, _hard_index, _noisy_logits, _soft, _straight_through, _tau64,
)

AREA = "gumbel"
TIER = "validation"
CAUGHT_BY = "properties/test_gumbel_softmax_tau.py::test_gumbel_softmax_rejects_a_bad_tau"
SOURCE = "pytorch/pytorch#184031: F.gumbel_softmax(tau=0) divides by zero and returns NaN; its docstring said 'non-negative'"


def gumbel_softmax(logits: Tensor, tau: float | Tensor, *, hard: bool = False, gumbels: Tensor | None = None,
                   generator: torch.Generator | None = None) -> Tensor:
    _check_logits(logits)  # BUG: no _check_tau(tau)
    tau64 = _tau64(tau, logits)
    noisy = logits.to(torch.float64) + _gumbels64(logits, gumbels, generator)
    y = _soft(noisy, tau64, logits.dtype)
    if not hard:
        return y
    return _straight_through(y, _hard_index(noisy))
