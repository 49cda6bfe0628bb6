"""gumbel_softmax draws its noise from torch's global RNG and ignores `generator`."""

from __future__ import annotations

import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.gumbel_softmax import hard_index, noisy_logits, straight_through, tempered_softmax

AREA = "gumbel"
TIER = "law"
CAUGHT_BY = "properties/test_gumbel_softmax.py::test_same_seed_same_sample_different_seed_different_sample"
SOURCE = "torch.nn.functional.gumbel_softmax takes no generator (it calls exponential_() on the global RNG); an adapter that drops the argument is not reproducible"


def gumbel_softmax(logits: Tensor, tau: float | Tensor, *, hard: bool = False, gumbels: Tensor | None = None,
                   generator: torch.Generator | None = None) -> Tensor:
    noisy, tau64 = noisy_logits(logits, tau, gumbels, None)  # BUG: the generator is dropped
    y = tempered_softmax(noisy, tau64, logits.dtype)
    if not hard:
        return y
    return straight_through(y, hard_index(noisy))
