"""gumbel_softmax accepts tau and ignores it: every sample is drawn at temperature 1."""

from __future__ import annotations

import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.gumbel_softmax import hard_index, noisy_logits, straight_through

AREA = "gumbel"
TIER = "law"
CAUGHT_BY = "properties/test_gumbel_softmax.py::test_hard_gradient_equals_soft_gradient"
SOURCE = ("andreasveit/convnet-aig gumbelmodule.py: GumbleSoftmax.forward(logits, temp=1, ...) calls "
          "gumbel_softmax(logits, temperature=1, ...) on both branches, so temp is never used")


def gumbel_softmax(logits: Tensor, tau: float | Tensor, *, hard: bool = False, gumbels: Tensor | None = None,
                   generator: torch.Generator | None = None) -> Tensor:
    noisy, _ = noisy_logits(logits, tau, gumbels, generator)  # validates tau, then drops it
    y = torch.softmax(noisy, dim=-1).to(logits.dtype)  # BUG: temperature 1 whatever tau is
    if not hard:
        return y
    return straight_through(y, hard_index(noisy))
