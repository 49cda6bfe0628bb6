"""concrete_log_prob keeps the trailing 1 of a per-row ``tau`` of shape ``(n, 1)`` in ``(K-1) log tau``.

The score has shape ``(n,)`` after the sum over classes; adding ``log tau`` of shape ``(n, 1)``
broadcasts to ``(n, n)``: entry ``[i, j]`` mixes row j's score with row i's temperature.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.concrete import log_density_terms

AREA = "gumbel"
TIER = "law"
CAUGHT_BY = "properties/test_concrete.py::test_tensor_tau_gives_each_row_its_own_temperature"
SOURCE = ("pytorch/pytorch#37162 (torch.distributions bug in RelaxedOneHotCategorical.log_prob: "
          "ExpRelaxedCategorical with temperature of shape [n, 1] returns log_prob of shape [n, n]; "
          "fix proposed in pytorch/pytorch#171641)")


def concrete_log_prob(y: Tensor, logits: Tensor, tau: float | Tensor) -> Tensor:
    inside, k, log_tau, terms, normaliser = log_density_terms(y, logits, tau)
    if isinstance(tau, Tensor) and tau.dim() > 0:
        log_tau = torch.log(tau.to(terms.dtype))  # BUG: (n, 1), not squeezed to (n,)
    log_p = math.lgamma(k) + (k - 1) * log_tau + terms - k * normaliser
    return torch.where(inside, log_p, -torch.inf)
