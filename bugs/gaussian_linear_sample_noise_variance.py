"""LinearGaussian.sample adds noise_var * eps instead of sqrt(noise_var) * eps: the noise's variance is sigma^4."""
import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.linear_gaussian import LinearGaussian as _LinearGaussian

AREA = "gaussian"
TIER = "law"
CAUGHT_BY = "statistical/test_linear_gaussian.py::test_linear_gaussian_samples_follow_the_model"
SOURCE = ("MaximeRobeyns/bayesian_flow_networks#1: gamma * (1 - gamma), a variance, passed to "
          "torch.distributions.Normal as its scale when sampling; here the PPCA noise sigma^2 I "
          "(Tipping & Bishop 1999) scaled by sigma^2 instead of sigma")


class LinearGaussian(_LinearGaussian):
    def sample(self, n: int, *, generator: torch.Generator | None = None) -> tuple[Tensor, Tensor]:
        if n < 0:
            raise ValueError(f"n={n} must be non-negative")
        opts = dict(dtype=self.weight.dtype, device=self.weight.device, generator=generator)
        z = torch.randn(n, self.dim_z, **opts)
        noise = torch.randn(n, self.dim_x, **opts)
        return z @ self.weight.T + self.bias + self.noise_var * noise, z  # BUG: variance, not std
