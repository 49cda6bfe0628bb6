"""gumbel_softmax(hard=True) takes the one-hot of argmax(logits), ignoring the noise."""

from __future__ import annotations

import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.gumbel_softmax import straight_through

from genspec.bugs._gumbel import soft_sample

AREA = "gumbel"
TIER = "law"
CAUGHT_BY = "properties/test_gumbel_softmax.py::test_same_seed_same_sample_different_seed_different_sample"
SOURCE = "plausible: the evaluation-time 'greedy' one-hot (argmax of the logits) reused as the training-time hard sample"


def gumbel_softmax(logits: Tensor, tau: float | Tensor, *, hard: bool = False, gumbels: Tensor | None = None,
                   generator: torch.Generator | None = None) -> Tensor:
    y, noisy = soft_sample(logits, tau, gumbels, generator)
    if not hard:
        return y
    return straight_through(y, logits.detach().argmax(dim=-1, keepdim=True))  # BUG: argmax of logits, not logits + g
