"""gumbel_softmax draws one noise vector of shape (K,) and broadcasts it over the batch."""

from __future__ import annotations

import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.gumbel import _check_logits, _check_tau, _gumbel64  # noqa: F401
from genspec.reference.gumbel_softmax import (  # noqa: F401
    _gumbels64, _hard_index, _noisy_logits, _soft, _straight_through, _tau64,
)

AREA = "gumbel"
TIER = "law"
CAUGHT_BY = "properties/test_gumbel_softmax.py::test_rows_of_a_batch_get_their_own_noise"
SOURCE = ("AnnaAraslanova/FBNet#15 (Not sampling different gumbel softmax variables for different "
          "items in the batch: one Gumbel-softmax sample of the architecture parameters shared by "
          "the whole batch)")


def gumbel_softmax(logits: Tensor, tau: float | Tensor, *, hard: bool = False, gumbels: Tensor | None = None,
                   generator: torch.Generator | None = None) -> Tensor:
    _check_logits(logits)
    _check_tau(tau)
    tau64 = _tau64(tau, logits)
    if gumbels is None:  # BUG: one (K,) draw shared by every row
        g = _gumbel64(logits.shape[-1:], generator, logits.device).expand(logits.shape)
    else:
        g = _gumbels64(logits, gumbels, generator)
    noisy = logits.to(torch.float64) + g
    y = _soft(noisy, tau64, logits.dtype)
    if not hard:
        return y
    return _straight_through(y, _hard_index(noisy))
