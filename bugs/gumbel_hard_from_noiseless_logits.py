"""gumbel_softmax(hard=True) takes the one-hot of argmax(logits), ignoring the noise."""

from __future__ import annotations

import torch
from torch import Tensor

from reference import *  # noqa: F401,F403
from reference.gumbel import _check_logits, _check_tau, _gumbel64  # noqa: F401
from reference.gumbel_softmax import (  # noqa: F401
    _gumbels64, _hard_index, _noisy_logits, _soft, _straight_through, _tau64,
)

AREA = "gumbel"
CAUGHT_BY = "properties/test_gumbel_softmax.py::test_same_seed_same_sample_different_seed_different_sample"
SOURCE = "plausible: the evaluation-time 'greedy' one-hot (argmax of the logits) reused as the training-time hard sample"


def gumbel_softmax(logits: Tensor, tau: float | Tensor, *, hard: bool = False, gumbels: Tensor | None = None,
                   generator: torch.Generator | None = None) -> Tensor:
    noisy, tau64 = _noisy_logits(logits, tau, gumbels, generator)
    y = _soft(noisy, tau64, logits.dtype)
    if not hard:
        return y
    return _straight_through(y, logits.detach().argmax(dim=-1, keepdim=True))  # BUG: argmax of logits, not logits + g
