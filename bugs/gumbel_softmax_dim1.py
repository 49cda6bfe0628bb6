"""gumbel_softmax normalises over dim=1 (hard-coded for (batch, K) inputs) instead of the last dim."""

from __future__ import annotations

import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.gumbel_softmax import hard_index, noisy_logits, straight_through

AREA = "gumbel"
TIER = "law"
CAUGHT_BY = "properties/test_gumbel_softmax.py::test_soft_sample_lies_on_the_simplex"
SOURCE = ("ericjang/gumbel-softmax notebook hard-codes axis 1 (tf.reduce_max(y, 1, ...), quoted in "
          "its issue #12); andreasveit/convnet-aig#11 (gumbelmodule.py passes dim = "
          "logits.size(-1), the class count, as the softmax axis); F.softmax(x, dim=1) in many "
          "2-D-only ports")


def gumbel_softmax(logits: Tensor, tau: float | Tensor, *, hard: bool = False, gumbels: Tensor | None = None,
                   generator: torch.Generator | None = None) -> Tensor:
    noisy, tau64 = noisy_logits(logits, tau, gumbels, generator)
    y = torch.softmax(noisy / tau64, dim=1).to(logits.dtype)  # BUG: dim=1, not the last dimension
    if not hard:
        return y
    return straight_through(y, hard_index(noisy))
