"""The importance-sampled log p(x) of the evaluation, against a model whose log p(x) is known.

Linear-Gaussian model (float64): ``p(z) = N(0, I_L)``, ``p(x|z) = N(W z + b, s^2 I_D)`` with
``W = Q diag(d)``, Q with orthonormal columns, so that the exact posterior is diagonal,
``q(z|x) = N(S W^T (x - b) / s^2, S)``, ``S = diag(1 / (1 + d^2 / s^2))``, and
``log p(x) = log N(x; b, W W^T + s^2 I)`` (scipy-free closed form via torch.distributions as the
oracle). With q the exact posterior every importance weight equals p(x), so the IWAE estimate
must equal log p(x) for every k and every chunking of the k samples; with a worse q it must
stay below log p(x) for small k and approach it as k grows (Burda et al. 2016, Theorem 1).
"""

from __future__ import annotations

import math

import pytest
import torch

from genspec.models.evaluation import iwae_log_likelihood

pytestmark = pytest.mark.area("models")


class LinearGaussian(torch.nn.Module):
    def __init__(self, d_x: int = 6, d_z: int = 3, *, s: float = 0.5, posterior_scale: float = 1.0) -> None:
        super().__init__()
        g = torch.Generator().manual_seed(0)
        q, _ = torch.linalg.qr(torch.randn(d_x, d_z, generator=g, dtype=torch.float64))
        self.d = torch.tensor([2.0, 1.0, 0.5], dtype=torch.float64)[:d_z]
        self.w, self.b, self.s2 = q * self.d, torch.randn(d_x, generator=g, dtype=torch.float64), s * s
        self.posterior_scale = posterior_scale

    def encode(self, x):
        var = 1.0 / (1.0 + self.d**2 / self.s2)
        mu = (x - self.b) @ self.w / self.s2 * var
        return mu, torch.log(var * self.posterior_scale**2).expand_as(mu)

    def log_px_given_z(self, x, z):
        mean = z @ self.w.T + self.b
        return torch.distributions.Normal(mean, math.sqrt(self.s2)).log_prob(x).sum(-1)

    def log_prior(self, z):
        return torch.distributions.Normal(0.0, 1.0).log_prob(z).sum(-1)

    def log_px(self, x):
        cov = self.w @ self.w.T + self.s2 * torch.eye(self.w.shape[0], dtype=torch.float64)
        return torch.distributions.MultivariateNormal(self.b, cov).log_prob(x)


@pytest.mark.parametrize("k,max_rows", [(1, 1 << 16), (7, 4), (50, 1 << 16)])
def test_iwae_is_exact_with_the_exact_posterior(k, max_rows):
    model = LinearGaussian()
    x = torch.randn(5, 6, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    got = iwae_log_likelihood(model, x, k=k, generator=torch.Generator().manual_seed(2), max_rows=max_rows)
    torch.testing.assert_close(got, model.log_px(x), rtol=1e-10, atol=1e-10)


def test_iwae_is_a_lower_bound_that_tightens_with_k():
    model = LinearGaussian(posterior_scale=1.6)  # an over-dispersed q: the bound is loose
    x = torch.randn(20, 6, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    exact = model.log_px(x).mean()
    bounds = [iwae_log_likelihood(model, x, k=k, generator=torch.Generator().manual_seed(3), max_rows=997).mean()
              for k in (1, 10, 1000)]
    # E[bound_k] <= log p(x), increasing in k; one estimate may exceed log p(x) by its noise.
    assert bounds[0] < bounds[1] < exact
    assert abs(exact - bounds[2]) < 0.02 < exact - bounds[0]


def test_iwae_refuses_k_below_one():
    with pytest.raises(ValueError, match="k="):
        iwae_log_likelihood(LinearGaussian(), torch.zeros(1, 6, dtype=torch.float64), k=0, generator=None)
