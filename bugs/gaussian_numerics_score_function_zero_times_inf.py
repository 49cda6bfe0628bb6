"""score_function_gradient's mu term as f(z) eps exp(-logvar / 2): 0 * inf = NaN at logvar = -200.

``exp(-logvar / 2) = 1 / sigma`` overflows in float32 below logvar = -177; with eps = 0 (or f(z) = 0)
the term is 0 * inf = NaN where it is 0, and terms of both signs that overflow average to NaN.
"""
import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.gaussian import reparameterize as _reparameterize
from genspec.reference.gradient_estimators import estimator_noise, f_values, reduce_draws

AREA = "gaussian"
TIER = "numerics"
CAUGHT_BY = "properties/test_gradient_estimators_extremes.py::test_estimators_at_the_generator_extremes"
SOURCE = ("plausible: the REINFORCE score eps / sigma written as eps * exp(-0.5 * logvar), the reference's "
          "own form until a review found NaN from finite inputs at logvar = -200 (float32), -1600 (float64)")


def score_function_gradient(f, mu: Tensor, logvar: Tensor, *, eps=None, num_samples: int = 1,
                            generator=None, reduction: str = "mean") -> tuple[Tensor, Tensor]:
    eps = estimator_noise(f, mu, logvar, eps, num_samples, generator, reduction)
    with torch.no_grad():
        z = _reparameterize(mu.detach(), logvar.detach(), eps)
        value = f_values(f, z).unsqueeze(-1)
        grad_mu = value * eps * torch.exp(-0.5 * logvar.detach())  # BUG: 0 * inf
        grad_logvar = value * 0.5 * (eps.square() - 1)
    return reduce_draws((grad_mu, grad_logvar), reduction)
