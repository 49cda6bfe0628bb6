"""reparameterize with std = sqrt(exp(logvar)): exp(logvar) over/underflows at |logvar| > 88.7.

``sqrt(exp(logvar))`` equals ``exp(logvar / 2)`` on paper; in float32 exp(logvar) is inf above 88.7
(std inf where 1.8e19 is right) and 0, or a subnormal with a few bits, below -87.3 (std 0 or off by
percents where 1e-20 is right).
"""
import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.gaussian import check_gaussian

AREA = "gaussian"
TIER = "numerics"
CAUGHT_BY = "properties/test_gaussian_numerics.py::test_reparameterize_is_exact_to_the_edges"
SOURCE = ("plausible: 'sigma = torch.sqrt(torch.exp(log_var))', written beside exp(0.5 * log_var) as an "
          "equivalent ('Both the equations should work') in public VAE tutorials; equal in exact "
          "arithmetic, not at the float32 edges")


def reparameterize(mu: Tensor, logvar: Tensor, eps: Tensor) -> Tensor:
    check_gaussian(mu=mu, logvar=logvar, eps=eps)
    return mu + torch.sqrt(torch.exp(logvar)) * eps  # BUG: the variance formed first
