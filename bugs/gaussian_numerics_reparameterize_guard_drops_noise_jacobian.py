"""reparameterize guards 0 · inf where eps = 0 by masking the overflowing exponent, and the mask also
replaces the derivative it guards: dz/deps = 1 there instead of exp(logvar / 2) = +inf.

The value is right everywhere (z = mu at eps = 0 for any finite logvar); only the Jacobian in the
noise is wrong, and only where exp(logvar / 4) overflows.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.gaussian import check_gaussian

AREA = "gaussian"
TIER = "numerics"
CAUGHT_BY = "properties/test_gaussian_numerics.py::test_reparameterize_with_zero_noise_is_mu_at_any_logvar"
SOURCE = ("analogue: genspec's own reference/gaussian.py and reference/scaling.py before this wave "
          "(_times_exp masked the exponent where d = 0 and exp(c / 2) overflowed, so d(d exp(c))/dd was 1 there)")

_LOG_MAX = math.log(torch.finfo(torch.float64).max)


def reparameterize(mu: Tensor, logvar: Tensor, eps: Tensor) -> Tensor:
    check_gaussian(mu=mu, logvar=logvar, eps=eps)
    dtype = torch.promote_types(torch.promote_types(mu.dtype, logvar.dtype), eps.dtype)
    mu, logvar, eps = mu.double(), logvar.double(), eps.double()
    quarter = logvar / 4
    e = torch.exp(torch.where((eps == 0) & (quarter > _LOG_MAX), 0.0, quarter))  # BUG: masks the derivative too
    return (mu + (eps * e) * e).to(dtype)
