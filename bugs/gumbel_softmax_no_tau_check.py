"""gumbel_softmax accepts tau = 0 (and negative tau) and returns NaN instead of raising ValueError."""

from __future__ import annotations

import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.gumbel_softmax import gumbels64, hard_index, straight_through, tau64, tempered_softmax
from genspec.reference.validation import check_flag, check_logits

AREA = "gumbel"
TIER = "validation"
CAUGHT_BY = "properties/test_gumbel_softmax_tau.py::test_gumbel_softmax_rejects_a_bad_tau"
SOURCE = "pytorch/pytorch#184031: F.gumbel_softmax(tau=0) divides by zero and returns NaN; its docstring said 'non-negative'"


def gumbel_softmax(logits: Tensor, tau: float | Tensor, *, hard: bool = False, gumbels: Tensor | None = None,
                   generator: torch.Generator | None = None) -> Tensor:
    check_flag("hard", hard)
    check_logits(logits)  # BUG: no check_tau(tau)
    tau_ = tau64(tau, logits)
    noisy = logits.to(torch.float64) + gumbels64(logits, gumbels, generator)
    y = tempered_softmax(noisy, tau_, logits.dtype)
    if not hard:
        return y
    return straight_through(y, hard_index(noisy))
