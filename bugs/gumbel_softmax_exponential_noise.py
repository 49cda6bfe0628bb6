"""gumbel_softmax adds Exp(1) noise E (exponential_() without the -log) instead of -log E."""

from __future__ import annotations

import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.gumbel_softmax import gumbels64, hard_index, straight_through, tau64, tempered_softmax
from genspec.reference.validation import check_logits, check_tau

AREA = "gumbel"
TIER = "law"
CAUGHT_BY = "statistical/test_gumbel_argmax.py::test_soft_sample_argmax_frequencies_are_softmax"
SOURCE = "plausible: a port of torch's -torch.empty_like(logits).exponential_().log() that drops the .log() (pytorch/pytorch#97851 shows users puzzling over that line)"


def gumbel_softmax(logits: Tensor, tau: float | Tensor, *, hard: bool = False, gumbels: Tensor | None = None,
                   generator: torch.Generator | None = None) -> Tensor:
    check_logits(logits)
    check_tau(tau)
    tau_ = tau64(tau, logits)
    if gumbels is None:  # BUG: Exp(1) noise E, not -log E
        gen_device = generator.device if generator is not None else logits.device
        g = torch.empty(logits.shape, dtype=torch.float64, device=gen_device).exponential_(generator=generator).to(logits.device)
    else:
        g = gumbels64(logits, gumbels, generator)
    noisy = logits.to(torch.float64) + g
    y = tempered_softmax(noisy, tau_, logits.dtype)
    if not hard:
        return y
    return straight_through(y, hard_index(noisy))
