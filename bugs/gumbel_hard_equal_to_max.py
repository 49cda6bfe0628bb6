"""gumbel_softmax(hard=True) marks every entry equal to max(y): multi-hot when the soft sample ties."""

from __future__ import annotations

import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403

from genspec.bugs._gumbel import soft_sample

AREA = "gumbel"
TIER = "numerics"
CAUGHT_BY = "properties/test_gumbel_softmax.py::test_hard_index_is_argmax_of_noisy_logits_when_the_soft_sample_ties"
SOURCE = "ericjang/gumbel-softmax notebook: y_hard = tf.cast(tf.equal(y, tf.reduce_max(y, 1, keep_dims=True)), y.dtype) (quoted in its issue #12; also yoonholee/MT-net#6)"


def gumbel_softmax(logits: Tensor, tau: float | Tensor, *, hard: bool = False, gumbels: Tensor | None = None,
                   generator: torch.Generator | None = None) -> Tensor:
    y, noisy = soft_sample(logits, tau, gumbels, generator)
    if not hard:
        return y
    y_hard = (y == y.amax(dim=-1, keepdim=True)).to(y.dtype).detach()  # BUG: every tied maximum is set
    return y_hard + (y - y.detach())
