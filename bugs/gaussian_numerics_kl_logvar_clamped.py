"""kl_normal_std on a log-variance clamped to [-30, 20] "for stability": wrong beyond the clamp.

Latent-diffusion's DiagonalGaussianDistribution clamps the encoder's log-variance before using it; the
clamp silently changes the divergence it reports (and the gradient beyond the bounds is 0), where the
closed form is finite and exact in float32 up to logvar = 89.
"""
import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.gaussian import check_gaussian

AREA = "gaussian"
TIER = "numerics"
CAUGHT_BY = "properties/test_gaussian_numerics.py::test_kl_normal_std_is_exact_to_the_edges"
SOURCE = ("CompVis/latent-diffusion ldm/modules/distributions/distributions.py (DiagonalGaussianDistribution: "
          "self.logvar = torch.clamp(self.logvar, -30.0, 20.0); kl() = 0.5 * sum(mean^2 + var - 1 - logvar)), "
          "copied by hhf555/Magic-1-For-1 and huggingface/diffusers autoencoders/vae.py; "
          "vanderschaarlab/synthcity#331 (proposes the same clamp against NaN losses)")


def kl_normal_std(mu: Tensor, logvar: Tensor) -> Tensor:
    check_gaussian(mu=mu, logvar=logvar)
    logvar = torch.clamp(logvar, -30.0, 20.0)  # BUG: clamped "for stability"
    return 0.5 * (torch.expm1(logvar) - logvar + mu.square()).sum(dim=-1)
