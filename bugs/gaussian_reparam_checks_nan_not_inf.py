"""reparameterize validates its arguments with torch.isnan only: an infinite logvar passes the check.

logvar = +inf gives z = ±inf (or NaN where eps = 0), logvar = -inf gives z = mu exactly; the
contract asks for a ValueError naming the argument for NaN *and* ±inf.
"""

from __future__ import annotations

import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403

AREA = "gaussian"
TIER = "validation"
CAUGHT_BY = ("properties/test_gaussian.py::"
             "test_reparameterize_and_log_normal_reject_an_infinite_logvar_naming_it")
SOURCE = ("plausible: `if torch.isnan(t).any(): raise ValueError(...)` as the input check, the usual "
          "first guard against silent NaN; an overflowed log-variance (+inf) is not NaN yet")


def reparameterize(mu: Tensor, logvar: Tensor, eps: Tensor) -> Tensor:
    for name, value in (("mu", mu), ("logvar", logvar), ("eps", eps)):
        if value.dim() < 1:
            raise ValueError(f"{name} has shape (), but needs an event dimension")
        if bool(torch.isnan(value).any()):  # BUG: NaN only, ±inf passes
            raise ValueError(f"{name} contains NaN")
    if not (mu.shape[-1] == logvar.shape[-1] == eps.shape[-1]):
        raise ValueError(f"event dimensions differ: mu {mu.shape[-1]}, logvar {logvar.shape[-1]}, eps {eps.shape[-1]}")
    try:
        torch.broadcast_shapes(mu.shape, logvar.shape, eps.shape)
    except RuntimeError:
        raise ValueError("shapes of mu, logvar and eps do not broadcast") from None
    return mu + torch.exp(0.5 * logvar) * eps
