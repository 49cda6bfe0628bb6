"""gumbel_softmax draws one noise vector of shape (K,) and broadcasts it over the batch."""

from __future__ import annotations

import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.gumbel import gumbel64
from genspec.reference.gumbel_softmax import gumbels64, hard_index, straight_through, tau64, tempered_softmax
from genspec.reference.validation import check_logits, check_tau

AREA = "gumbel"
TIER = "law"
CAUGHT_BY = "properties/test_gumbel_softmax.py::test_rows_of_a_batch_get_their_own_noise"
SOURCE = ("AnnaAraslanova/FBNet#15 (Not sampling different gumbel softmax variables for different "
          "items in the batch: one Gumbel-softmax sample of the architecture parameters shared by "
          "the whole batch)")


def gumbel_softmax(logits: Tensor, tau: float | Tensor, *, hard: bool = False, gumbels: Tensor | None = None,
                   generator: torch.Generator | None = None) -> Tensor:
    check_logits(logits)
    check_tau(tau)
    tau_ = tau64(tau, logits)
    if gumbels is None:  # BUG: one (K,) draw shared by every row
        g = gumbel64(logits.shape[-1:], generator, logits.device).expand(logits.shape)
    else:
        g = gumbels64(logits, gumbels, generator)
    noisy = logits.to(torch.float64) + g
    y = tempered_softmax(noisy, tau_, logits.dtype)
    if not hard:
        return y
    return straight_through(y, hard_index(noisy))
