"""gumbel_softmax adds Exp(1) noise E (exponential_() without the -log) instead of -log E."""

from __future__ import annotations

import math

import torch
from torch import Tensor

from reference import *  # noqa: F401,F403
from reference.gumbel import _as_shape, _check_logits, _check_tau, _gumbel64  # noqa: F401
from reference.gumbel_softmax import _check_gumbels, _tau64  # noqa: F401

AREA = "gumbel"
CAUGHT_BY = "statistical/test_gumbel_argmax.py::test_soft_sample_argmax_frequencies_are_softmax"
SOURCE = "plausible: a port of torch's -torch.empty_like(logits).exponential_().log() that drops the .log() (pytorch/pytorch#97851 shows users puzzling over that line)"


def gumbel_softmax(logits: Tensor, tau: float | Tensor, *, hard: bool = False, gumbels: Tensor | None = None,
                   generator: torch.Generator | None = None) -> Tensor:
    _check_logits(logits)
    _check_tau(tau)
    tau64 = _tau64(tau, logits)
    if gumbels is None:
        gen_device = generator.device if generator is not None else logits.device
        g = torch.empty(logits.shape, dtype=torch.float64, device=gen_device).exponential_(generator=generator).to(logits.device)
    else:
        _check_gumbels(gumbels, logits)
        g = gumbels.to(device=logits.device, dtype=torch.float64)
    noisy = logits.to(torch.float64) + g
    y = torch.softmax(noisy / tau64, dim=-1).to(logits.dtype)
    if not hard:
        return y
    index = noisy.detach().argmax(dim=-1, keepdim=True)
    y_hard = torch.zeros_like(y).scatter_(-1, index, 1.0)
    return y_hard + (y - y.detach())
