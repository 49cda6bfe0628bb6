"""gumbel_softmax writes the softmax as exp(z) / sum(exp(z)) without subtracting max z: overflow at small tau."""

from __future__ import annotations

import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.gumbel_softmax import hard_index, noisy_logits, straight_through

AREA = "gumbel"
TIER = "law"
CAUGHT_BY = "properties/test_gumbel_softmax.py::test_soft_sample_lies_on_the_simplex"
SOURCE = ("xukai92/MLToolkit.jl src/distributions/gumbel.jl (rand of GumbelSoftmax: exp_logit = "
          "exp.(logit ./ τ); exp_logit ./ sum(exp_logit), no max subtracted, default τ = 0.1 or "
          "0.2)")


def gumbel_softmax(logits: Tensor, tau: float | Tensor, *, hard: bool = False, gumbels: Tensor | None = None,
                   generator: torch.Generator | None = None) -> Tensor:
    noisy, tau64 = noisy_logits(logits, tau, gumbels, generator)
    e = torch.exp(noisy / tau64)  # BUG: softmax by hand, without subtracting the max
    y = (e / e.sum(dim=-1, keepdim=True)).to(logits.dtype)
    if not hard:
        return y
    return straight_through(y, hard_index(noisy))
