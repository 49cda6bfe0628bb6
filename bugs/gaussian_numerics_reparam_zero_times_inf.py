"""reparameterize as mu + exp(0.5 * logvar) * eps: 0 * inf = NaN at eps = 0, logvar > 177.4.

The posterior mean is the draw at eps = 0 (evaluation, deterministic decoding); with a diverged
log-variance head the standard deviation overflows and z is NaN instead of mu, and so is d z / d logvar.
"""
import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.gaussian import check_gaussian

AREA = "gaussian"
TIER = "numerics"
CAUGHT_BY = "properties/test_gaussian_numerics.py::test_reparameterize_is_exact_to_the_edges"
SOURCE = ("seed 000's listing (std = torch.exp(0.5 * logvar); return mu + std * eps) and pytorch/examples "
          "vae/main.py; ChicForX/CLUB_impl layer_utils.py, bluesky226/STA-AD_Code net_utils/variational.py: "
          "the same line, exact except where exp(logvar / 2) is inf")


def reparameterize(mu: Tensor, logvar: Tensor, eps: Tensor) -> Tensor:
    check_gaussian(mu=mu, logvar=logvar, eps=eps)
    return mu + torch.exp(0.5 * logvar) * eps  # BUG: inf * 0 = NaN
