"""gumbel_softmax(hard=True) marks every entry equal to max(y): multi-hot when the soft sample ties."""

from __future__ import annotations

import math

import torch
from torch import Tensor

from reference import *  # noqa: F401,F403
from reference.gumbel import _as_shape, _check_logits, _check_tau, _gumbel64  # noqa: F401
from reference.gumbel_softmax import _check_gumbels, _tau64  # noqa: F401

AREA = "gumbel"
CAUGHT_BY = "properties/test_gumbel_softmax.py::test_hard_index_is_argmax_of_noisy_logits_when_the_soft_sample_ties"
SOURCE = "ericjang/gumbel-softmax notebook: y_hard = tf.cast(tf.equal(y, tf.reduce_max(y, 1, keep_dims=True)), y.dtype) (quoted in its issue #12; also yoonholee/MT-net#6)"


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
    y_hard = (y == y.amax(dim=-1, keepdim=True)).to(y.dtype).detach()
    return y_hard + (y - y.detach())
