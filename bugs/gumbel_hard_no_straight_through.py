"""gumbel_softmax(hard=True) returns the detached one-hot: no straight-through gradient."""

from __future__ import annotations

import math

import torch
from torch import Tensor

from reference import *  # noqa: F401,F403
from reference.gumbel import _as_shape, _check_logits, _check_tau, _gumbel64  # noqa: F401
from reference.gumbel_softmax import _check_gumbels, _tau64  # noqa: F401

AREA = "gumbel"
CAUGHT_BY = "properties/test_gumbel_softmax.py::test_hard_gradient_equals_soft_gradient"
SOURCE = "plausible: y_hard returned without the y_hard - y.detach() + y trick (shariqiqbal2810/maddpg-pytorch#34 asks how gradients flow through hard=True at all)"


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
    y = torch.softmax(noisy / tau64, dim=-1).to(logits.dtype)
    if not hard:
        return y
    index = noisy.detach().argmax(dim=-1, keepdim=True)
    return torch.zeros_like(y).detach().scatter_(-1, index, 1.0)
