"""concrete_log_prob drops the (K-1) log tau term (invisible at tau = 1)."""

from __future__ import annotations

import math

import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.concrete import log_density_terms

AREA = "gumbel"
TIER = "law"
CAUGHT_BY = "properties/test_concrete.py::test_matches_the_product_form"
SOURCE = ("yidingjiang/love utils.py (log_density_concrete returns sum(exp_term) - 2 "
          "logsumexp(exp_term), the binary (K = 2) Concrete density without its log temp term; it "
          "cancels in a KL only when both temperatures are equal)")


def concrete_log_prob(y: Tensor, logits: Tensor, tau: float) -> Tensor:
    inside, k, log_tau, terms, normaliser = log_density_terms(y, logits, tau)
    log_p = math.lgamma(k) + terms - k * normaliser  # BUG: no (k - 1) * log_tau
    return torch.where(inside, log_p, -torch.inf)
