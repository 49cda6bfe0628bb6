"""A reparameterized Gaussian sampler that scales by exp(logvar) while its log_prob reads a log-variance.

rsample draws mu + exp(logvar) eps, a standard deviation of exp(logvar) (the variance's square);
log_prob is log N(x; mu, diag exp(logvar)). Each alone looks plausible; the draws do not follow the
density.
"""

from __future__ import annotations

import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.protocols import DiagonalGaussian as _DiagonalGaussian

AREA = "gaussian"
TIER = "law"
CAUGHT_BY = "statistical/test_protocols_samplers.py::test_sampler_1d_law_follows_log_prob"
SOURCE = ("keras-team/keras#3283 and #3220 (the Keras VAE example sampled z_mean + K.exp(z_log_var) * epsilon, "
          "fixed to exp(0.5 * z_log_var), while its KL read z_log_var as a log-variance)")


class MismatchedGaussian(_DiagonalGaussian):
    def rsample(self, sample_shape: tuple[int, ...] = (), *, generator: torch.Generator | None = None) -> Tensor:
        eps = torch.randn((*sample_shape, *self.event_shape), generator=generator, dtype=self.mu.dtype)
        return self.mu + torch.exp(self.logvar) * eps  # BUG: exp(logvar / 2)


def _make(*, generator: torch.Generator, dtype: torch.dtype = torch.float64) -> MismatchedGaussian:
    mu = (0.5 * torch.randn(1, generator=generator, dtype=torch.float64)).to(dtype).requires_grad_()
    logvar = (0.5 * torch.randn(1, generator=generator, dtype=torch.float64)).to(dtype).requires_grad_()
    return MismatchedGaussian(mu, logvar)


SAMPLERS = {"DiagonalGaussian-1": _make}
