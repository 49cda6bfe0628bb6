"""gumbel_softmax multiplies by the temperature: softmax((logits + g) * tau)."""

from __future__ import annotations

import math

import torch
from torch import Tensor

from reference import *  # noqa: F401,F403
from reference.gumbel import _as_shape, _check_logits, _check_tau, _gumbel64  # noqa: F401
from reference.gumbel_softmax import _check_gumbels, _tau64  # noqa: F401

AREA = "gumbel"
CAUGHT_BY = "properties/test_gumbel_softmax.py::test_hard_gradient_equals_soft_gradient"
SOURCE = "plausible: temperature confused with an inverse temperature (beta = 1/tau), as in code that writes logits * temperature"


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
    y = torch.softmax(noisy * tau64, dim=-1).to(logits.dtype)
    if not hard:
        return y
    index = noisy.detach().argmax(dim=-1, keepdim=True)
    y_hard = torch.zeros_like(y).scatter_(-1, index, 1.0)
    return y_hard + (y - y.detach())
