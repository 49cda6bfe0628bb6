"""sample_gumbel draws u in the requested dtype and takes -log(-log u) with no guard: u = 0 gives -inf."""

from __future__ import annotations


import torch

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.validation import as_shape

AREA = "gumbel"
TIER = "numerics"
CAUGHT_BY = "properties/test_gumbel.py::test_every_draw_is_finite_at_every_dtype"
SOURCE = "pytorch/pytorch#22442, #22586 and PR #20179 (NaN from gumbel_softmax when the exponential/uniform draw is 0); in bfloat16 a uniform is 0 once in 256 draws, in float32 once in 2**24"


def sample_gumbel(shape, *, generator=None, dtype=None, device=None):
    dtype = torch.get_default_dtype() if dtype is None else dtype
    device = device if device is not None else (generator.device if generator is not None else "cpu")
    u = torch.rand(as_shape(shape), generator=generator, dtype=dtype, device=device)
    return -torch.log(-torch.log(u))
