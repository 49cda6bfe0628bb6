"""LinearGaussian.posterior returns M^{-1} as the covariance instead of sigma^2 M^{-1}."""
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.linear_gaussian import LinearGaussian as _LinearGaussian

AREA = "gaussian"
TIER = "law"
CAUGHT_BY = "properties/test_linear_gaussian.py::test_linear_gaussian_log_marginal_and_posterior"
SOURCE = ("plausible: the sigma^2 of the PPCA posterior covariance sigma^2 M^{-1} (Tipping & Bishop "
          "1999 eq. (6); PRML eq. (12.42)) lost when M is formed as W^T W + sigma^2 I")


class LinearGaussian(_LinearGaussian):
    def posterior(self, x: Tensor) -> tuple[Tensor, Tensor]:
        mean, cov = super().posterior(x)
        return mean, cov / self.noise_var
