"""gumbel_softmax draws its noise from torch's global RNG and ignores `generator`."""

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
CAUGHT_BY = "properties/test_gumbel_softmax.py::test_same_seed_same_sample_different_seed_different_sample"
SOURCE = "torch.nn.functional.gumbel_softmax takes no generator (it calls exponential_() on the global RNG); an adapter that drops the argument is not reproducible"


def gumbel_softmax(logits: Tensor, tau: float | Tensor, *, hard: bool = False, gumbels: Tensor | None = None,
                   generator: torch.Generator | None = None) -> Tensor:
    noisy, tau64 = _noisy_logits(logits, tau, gumbels, None)  # BUG: the generator is dropped
    y = _soft(noisy, tau64, logits.dtype)
    if not hard:
        return y
    return _straight_through(y, _hard_index(noisy))
