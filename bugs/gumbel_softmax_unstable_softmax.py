"""gumbel_softmax writes the softmax as exp(z) / sum(exp(z)) without subtracting max z: overflow at small tau."""

from __future__ import annotations

import math

import torch
from torch import Tensor

from reference import *  # noqa: F401,F403
from reference.gumbel import _as_shape, _check_logits, _check_tau, _gumbel64  # noqa: F401
from reference.gumbel_softmax import _check_gumbels, _tau64  # noqa: F401

AREA = "gumbel"
CAUGHT_BY = "properties/test_gumbel_softmax.py::test_soft_sample_lies_on_the_simplex"
SOURCE = "plausible: a hand-written softmax; with tau = 1e-3, z = (l + g) / tau reaches 1e4 and exp overflows to inf/inf = NaN"


def gumbel_softmax(logits: Tensor, tau: float | Tensor, *, hard: bool = False, gumbels: Tensor | None = None,
                   generator: torch.Generator | None = None) -> Tensor:
    _check_logits(logits)
    _check_tau(tau)
    tau64 = _tau64(tau, logits)
    if gumbels is None:
        g = _gumbel64(logits.shape, generator, logits.device)
    else:
        _check_gumbels(gumbels, logits)
        g = gumbels.to(device=logits.device, dtype=torch.float64)
    noisy = logits.to(torch.float64) + g
    e = torch.exp(noisy / tau64)
    y = (e / e.sum(dim=-1, keepdim=True)).to(logits.dtype)
    if not hard:
        return y
    index = noisy.detach().argmax(dim=-1, keepdim=True)
    y_hard = torch.zeros_like(y).scatter_(-1, index, 1.0)
    return y_hard + (y - y.detach())
