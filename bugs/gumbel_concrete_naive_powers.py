"""concrete_log_prob evaluates the density with powers y^(-tau-1) and then takes the log: overflow in float32."""

from __future__ import annotations

import math

import torch
from torch import Tensor

from reference import *  # noqa: F401,F403
from reference.gumbel import _as_shape, _check_logits, _check_tau, _gumbel64  # noqa: F401
from reference.gumbel_softmax import _check_gumbels, _tau64  # noqa: F401

AREA = "gumbel"
CAUGHT_BY = "properties/test_concrete.py::test_k2_density_integrates_to_one"
SOURCE = "tensorflow/probability#705 and #1738, pytorch/pytorch#18254 (inf/NaN Concrete log densities at small temperature); eq. (6) of Maddison et al. transcribed literally"


def concrete_log_prob(y: Tensor, logits: Tensor, tau: float) -> Tensor:
    _check_logits(logits, allow_neg_inf=False)
    _check_tau(tau)
    dtype = torch.promote_types(y.dtype, logits.dtype)
    y, logits = torch.broadcast_tensors(y.to(dtype), logits.to(dtype))
    k = y.shape[-1]
    alpha = torch.exp(logits)
    num = math.factorial(k - 1) * tau ** (k - 1) * torch.prod(alpha * y ** (-tau - 1), dim=-1)
    den = torch.sum(alpha * y ** (-tau), dim=-1) ** k
    return torch.log(num / den)
