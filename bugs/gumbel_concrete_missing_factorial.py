"""concrete_log_prob drops the log (K-1)! term (invisible for K = 2, where 1! = 1)."""

from __future__ import annotations


import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.concrete import log_density_terms

AREA = "gumbel"
TIER = "law"
CAUGHT_BY = "properties/test_concrete.py::test_matches_the_product_form"
SOURCE = ("plausible: the normaliser (K-1)! of Maddison et al. eq. (6) omitted; binary-Concrete "
          "code such as yidingjiang/love's log_density_concrete (K = 2, where 1! = 1) cannot show "
          "it, and tests at K = 2 cannot see it")


def concrete_log_prob(y: Tensor, logits: Tensor, tau: float) -> Tensor:
    inside, k, log_tau, terms, normaliser = log_density_terms(y, logits, tau)
    log_p = (k - 1) * log_tau + terms - k * normaliser  # BUG: no math.lgamma(k) = log (K-1)!
    return torch.where(inside, log_p, -torch.inf)
