"""concrete_log_prob evaluates the density with powers y^(-tau-1) and then takes the log: overflow in float32."""

from __future__ import annotations

import math

import torch
from torch import Tensor

from reference import *  # noqa: F401,F403
from reference.concrete import _concrete_inputs, _log_density_terms  # noqa: F401

AREA = "gumbel"
CAUGHT_BY = "properties/test_concrete.py::test_k2_density_integrates_to_one"
SOURCE = "tensorflow/probability#705 and #1738, pytorch/pytorch#18254 (inf/NaN Concrete log densities at small temperature); eq. (6) of Maddison et al. transcribed literally"


def concrete_log_prob(y: Tensor, logits: Tensor, tau: float) -> Tensor:
    y, logits, tau, _ = _concrete_inputs(y, logits, tau)
    k = y.shape[-1]
    alpha = torch.exp(logits)  # BUG: eq. (6) with its powers formed, not in log space
    num = math.factorial(k - 1) * tau ** (k - 1) * torch.prod(alpha * y ** (-tau - 1), dim=-1)
    den = torch.sum(alpha * y ** (-tau), dim=-1) ** k
    return torch.log(num / den)
