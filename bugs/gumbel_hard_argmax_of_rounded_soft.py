"""gumbel_softmax(hard=True) takes the argmax of the rounded soft sample, which ties at large tau."""

from __future__ import annotations

import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.gumbel_softmax import straight_through

from genspec.bugs._gumbel import soft_sample

AREA = "gumbel"
TIER = "numerics"
CAUGHT_BY = "properties/test_gumbel_softmax.py::test_hard_index_is_argmax_of_noisy_logits_when_the_soft_sample_ties"
SOURCE = "torch.nn.functional.gumbel_softmax: index = y_soft.max(dim, keepdim=True)[1]; at tau = 1e30 every float32 soft sample is uniform and class 0 is always chosen"


def gumbel_softmax(logits: Tensor, tau: float | Tensor, *, hard: bool = False, gumbels: Tensor | None = None,
                   generator: torch.Generator | None = None) -> Tensor:
    y, noisy = soft_sample(logits, tau, gumbels, generator)
    if not hard:
        return y
    return straight_through(y, y.detach().argmax(dim=-1, keepdim=True))  # BUG: argmax of the rounded soft sample
