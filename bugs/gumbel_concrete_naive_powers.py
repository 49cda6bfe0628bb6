"""concrete_log_prob evaluates the density with powers y^(-tau-1) and then takes the log: overflow in float32."""

from __future__ import annotations

import math

import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.concrete import concrete_inputs

AREA = "gumbel"
TIER = "numerics"
CAUGHT_BY = "properties/test_concrete.py::test_masking_out_boundary_points_leaves_finite_gradients"
SOURCE = "tensorflow/probability#705 and #1738, pytorch/pytorch#18254 (inf/NaN Concrete log densities at small temperature); eq. (6) of Maddison et al. transcribed literally"


def concrete_log_prob(y: Tensor, logits: Tensor, tau: float) -> Tensor:
    y, logits, tau, _ = concrete_inputs(y, logits, tau)
    k = y.shape[-1]
    alpha = torch.exp(logits)  # BUG: eq. (6) with its powers formed, not in log space
    tau_row = tau.squeeze(-1) if isinstance(tau, Tensor) else tau  # (*batch,): one temperature per row
    num = math.factorial(k - 1) * tau_row ** (k - 1) * torch.prod(alpha * y ** (-tau - 1), dim=-1)
    den = torch.sum(alpha * y ** (-tau), dim=-1) ** k
    return torch.where((y > 0).all(dim=-1), torch.log(num / den), -torch.inf)  # -inf off the simplex, as the reference
