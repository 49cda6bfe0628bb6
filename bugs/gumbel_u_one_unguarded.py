"""sample_gumbel takes u = 1 - rand to dodge log(0), which moves the hazard to u = 1: -log(-log 1) = +inf.

torch.rand draws from [0, 1), so 1 - rand lies in (0, 1] and a draw of exactly 0 (once in 2**24 in
float32, once in 256 in bfloat16) becomes u = 1 and a Gumbel draw of +inf: that class wins every
argmax, and a -inf logit plus +inf noise is NaN.
"""

from __future__ import annotations

import torch

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.validation import as_shape

AREA = "gumbel"
TIER = "numerics"
CAUGHT_BY = "properties/test_gumbel.py::test_every_draw_is_finite_at_every_dtype"
SOURCE = ("sgl-project/sglang#25133 (prevent infinite Gumbel noise in seeded sampling: a hash mapped "
          "to u = 1.0 gave -log(-log u) = +inf and that token always won argmax) and #33423 (clamp u = 1 "
          "so masked tokens can't be sampled: +inf noise on a -inf logit is NaN)")


def sample_gumbel(shape, *, generator=None, dtype=None, device=None):
    dtype = torch.get_default_dtype() if dtype is None else dtype
    if not dtype.is_floating_point:
        raise ValueError(f"dtype must be a floating dtype, got {dtype}")
    device = device if device is not None else (generator.device if generator is not None else "cpu")
    u = 1 - torch.rand(as_shape(shape), generator=generator, dtype=dtype, device=device)  # BUG: u in (0, 1]
    return -torch.log(-torch.log(u))
