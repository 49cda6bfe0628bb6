"""gumbel_softmax(hard=True) returns the detached one-hot: no straight-through gradient."""

from __future__ import annotations

import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.gumbel_softmax import hard_index

from genspec.bugs._gumbel import soft_sample

AREA = "gumbel"
TIER = "law"
CAUGHT_BY = "properties/test_gumbel_softmax.py::test_hard_gradient_equals_soft_gradient"
SOURCE = "plausible: y_hard returned without the y_hard - y.detach() + y trick (shariqiqbal2810/maddpg-pytorch#34 asks how gradients flow through hard=True at all)"


def gumbel_softmax(logits: Tensor, tau: float | Tensor, *, hard: bool = False, gumbels: Tensor | None = None,
                   generator: torch.Generator | None = None) -> Tensor:
    y, noisy = soft_sample(logits, tau, gumbels, generator)
    if not hard:
        return y
    return torch.zeros_like(y).detach().scatter_(-1, hard_index(noisy), 1.0)  # BUG: no + (y - y.detach())
