"""log_normal with (x - mu)^2 / exp(logvar): 0 / 0 = NaN at x = mu once exp(logvar) underflows (float32 logvar < -103).

The squared Mahalanobis term divided by the variance is the textbook form; the variance underflows to 0
in float32 below logvar = -103 (1e-45), and at x = mu the quotient is NaN where the log density is a
large positive number (43.9 at logvar = -89 per coordinate).
"""
import math

import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.gaussian import check_gaussian

AREA = "gaussian"
TIER = "numerics"
CAUGHT_BY = "properties/test_gaussian_numerics.py::test_log_normal_is_exact_to_the_edges"
SOURCE = ("jmtomczak/vae_vampprior utils/distributions.py (log_Normal_diag: -0.5 * (log_var + "
          "torch.pow(x - mean, 2) / torch.exp(log_var))); pankajmishra000/VT-ADL#10 (NaN gradients from "
          "logvar + a / torch.exp(logvar))")


def log_normal(x: Tensor, mu: Tensor, logvar: Tensor) -> Tensor:
    check_gaussian(x=x, mu=mu, logvar=logvar)
    sq = (x - mu).square() / torch.exp(logvar)  # BUG: the variance formed, then divided by
    return -0.5 * (math.log(2 * math.pi) + logvar + sq).sum(dim=-1)
