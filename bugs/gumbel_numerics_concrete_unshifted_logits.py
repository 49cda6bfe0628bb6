"""concrete_log_prob on raw logits: not shift-stable (1e6 in float32), NaN at tau = 1e38.

The Concrete density depends on the logits only through their differences, but this form adds the raw
logits and subtracts K copies of a logsumexp of the same size: float32 logits near 1e6 (an ulp of
0.0625) leave errors of 0.1 nats; and ``tau * log y`` overflows at tau = 1e38, giving ``inf - inf``.
"""
import math

import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.concrete import concrete_inputs

AREA = "gumbel"
TIER = "numerics"
CAUGHT_BY = "properties/test_concrete_numerics.py::test_log_density_with_drifted_logits_tiny_entries_and_huge_tau"
SOURCE = ("plausible: eq. (6) of Maddison et al. taken to log space term by term (the reference's own form "
          "until a review measured 0.12 nats at float32 logits of 1e6 and NaN at tau >= 1e38)")


def concrete_log_prob(y: Tensor, logits: Tensor, tau) -> Tensor:
    y, logits, tau, log_tau = concrete_inputs(y, logits, tau)
    inside = (y > 0).all(dim=-1)
    log_y = torch.log(torch.where(y > 0, y, 1.0))
    terms = (logits - (tau + 1) * log_y).sum(dim=-1)  # BUG: raw logits, tau log y unshifted
    normaliser = torch.logsumexp(logits - tau * log_y, dim=-1)
    k = y.shape[-1]
    return torch.where(inside, math.lgamma(k) + (k - 1) * log_tau + terms - k * normaliser, -torch.inf)
