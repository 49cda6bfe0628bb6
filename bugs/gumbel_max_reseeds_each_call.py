"""gumbel_max copies the caller's generator from its initial seed on every call: successive calls repeat."""

from __future__ import annotations


import torch

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.gumbel import gumbel64
from genspec.reference.validation import check_logits

AREA = "gumbel"
TIER = "law"
CAUGHT_BY = "statistical/test_gumbel_independence.py::test_gumbel_max_successive_calls_are_independent"
SOURCE = "plausible: 'do not disturb the caller's RNG' implemented as torch.Generator().manual_seed(generator.initial_seed())"


def gumbel_max(logits, *, generator=None):
    check_logits(logits)
    if generator is not None:
        generator = torch.Generator(device=generator.device).manual_seed(generator.initial_seed())
    g = gumbel64(logits.shape, generator, logits.device)
    return (logits.to(torch.float64) + g).argmax(dim=-1)
