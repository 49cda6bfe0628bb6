"""concrete_log_prob drops the log (K-1)! term (invisible for K = 2, where 1! = 1)."""

from __future__ import annotations

import math

import torch
from torch import Tensor

from reference import *  # noqa: F401,F403
from reference.gumbel import _as_shape, _check_logits, _check_tau, _gumbel64  # noqa: F401
from reference.gumbel_softmax import _check_gumbels, _tau64  # noqa: F401

AREA = "gumbel"
CAUGHT_BY = "properties/test_concrete.py::test_matches_the_product_form"
SOURCE = "plausible: the normaliser (K-1)! of Maddison et al. eq. (6) omitted; binary-Concrete tests (K = 2) cannot see it"


def concrete_log_prob(y: Tensor, logits: Tensor, tau: float) -> Tensor:
    _check_logits(logits, allow_neg_inf=False)
    _check_tau(tau)
    dtype = torch.promote_types(y.dtype, logits.dtype)
    y, logits = torch.broadcast_tensors(y.to(dtype), logits.to(dtype))
    k = y.shape[-1]
    log_tau = math.log(float(tau))
    inside = (y > 0).all(dim=-1)
    log_y = torch.log(torch.where(y > 0, y, 1.0))
    log_p = (k - 1) * log_tau + (logits - (tau + 1) * log_y).sum(-1) - k * torch.logsumexp(logits - tau * log_y, -1)
    return torch.where(inside, log_p, -torch.inf)
