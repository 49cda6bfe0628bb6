"""sample_gumbel clamps u to [1e-6, 1 - 1e-6]: no Gumbel draw exceeds 13.82."""

from __future__ import annotations


import torch

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.validation import as_shape

AREA = "gumbel"
TIER = "numerics"
CAUGHT_BY = "statistical/test_gumbel_tail.py::test_upper_tail_beyond_u_clamped_at_one_minus_1e6"
SOURCE = ("yidingjiang/love utils.py (gumbel_sampling draws uniform_(margin, 1 - margin) with "
          "margin = 1e-4 before -log(-log u): no draw exceeds 9.21); huggingface/candle candle-"
          "nn/src/sampling.rs (rand_like(1e-7, 0.999): no draw exceeds 6.9); "
          "torch.distributions.RelaxedOneHotCategorical clamps with clamp_probs (eps = finfo.eps), "
          "capping float32 draws at 15.94")


def sample_gumbel(shape, *, generator=None, dtype=None, device=None):
    dtype = torch.get_default_dtype() if dtype is None else dtype
    device = device if device is not None else (generator.device if generator is not None else "cpu")
    u = torch.rand(as_shape(shape), generator=generator, dtype=torch.float64, device=device)
    u = u.clamp(1e-6, 1 - 1e-6)
    return (-torch.log(-torch.log(u))).to(dtype)
