"""sample_gumbel clamps u to [1e-6, 1 - 1e-6]: no Gumbel draw exceeds 13.82."""

from __future__ import annotations

import math

import torch
from torch import Tensor

from reference import *  # noqa: F401,F403
from reference.gumbel import _as_shape, _check_logits, _check_tau, _gumbel64  # noqa: F401
from reference.gumbel_softmax import _check_gumbels, _tau64  # noqa: F401

AREA = "gumbel"
CAUGHT_BY = "statistical/test_gumbel_tail.py::test_upper_tail_beyond_u_clamped_at_one_minus_1e6"
SOURCE = "plausible: u.clamp(eps, 1 - eps) 'for stability' with eps = 1e-6; torch.distributions.Gumbel does the same with eps = finfo.eps (torch.distributions.utils.clamp_probs), capping float32 draws at 15.94"


def sample_gumbel(shape, *, generator=None, dtype=None, device=None):
    dtype = torch.get_default_dtype() if dtype is None else dtype
    device = device if device is not None else (generator.device if generator is not None else "cpu")
    u = torch.rand(_as_shape(shape), generator=generator, dtype=torch.float64, device=device)
    u = u.clamp(1e-6, 1 - 1e-6)
    return (-torch.log(-torch.log(u))).to(dtype)
