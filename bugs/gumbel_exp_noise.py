"""sample_gumbel returns Exp(1) noise -log(u): one of the two logs of -log(-log u) is missing."""

from __future__ import annotations


import torch

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.validation import as_shape

AREA = "gumbel"
TIER = "law"
CAUGHT_BY = "statistical/test_gumbel_noise.py::test_sample_gumbel_is_standard_gumbel"
SOURCE = "plausible: g = -log(E) with E = -log(u) ~ Exp(1) (torch's F.gumbel_softmax writes -exponential_().log()); stopping at E is an easy slip, cf. the confusion in D-X-Y/AutoDL-Projects#89 'why use the exponential distribution'"


def sample_gumbel(shape, *, generator=None, dtype=None, device=None):
    dtype = torch.get_default_dtype() if dtype is None else dtype
    device = device if device is not None else (generator.device if generator is not None else "cpu")
    u = torch.rand(as_shape(shape), generator=generator, dtype=torch.float64, device=device)
    return (-torch.log(u.clamp(min=2.0**-53))).to(dtype)
