"""Statistical test: the expected IWAE bound is non-decreasing in k and stays below log p(x).

Model: a linear-Gaussian latent model (p(z) = N(0, I_2), p(x|z) = N(W z + b, s^2 I_3)) with
non-orthogonal columns, and q a diagonal Gaussian wider than the posterior and off its mean (the
best diagonal q with its mean moved by 0.3 and its variances doubled), so the bound is strict and the
importance weights are bounded. For each of n replicates, 16 draws z_i = reparameterize(mu, logvar, eps_i) give log weights
log_normal(x; W z + b, s^2) + log_normal(z; 0, I) - log_normal(z; mu, logvar) (all the
implementation's), and L_k = iwae_bound(first k log weights) for k = 1, 2, 4, 8, 16 (nested, so
consecutive differences are paired). One-sided z-tests (sd estimated from the n > 10^4 replicates)
that each mean difference E[L_2k - L_k] is not negative and that E[L_16] is not above log p(x);
Bonferroni over the 5. ``stats.z_sample_size`` is two-sided; at 2 alpha it gives the one-sided size.

Burda et al. (arXiv:1509.00519), Theorem 1; seed 004 eqs. (4)-(5).
"""

from __future__ import annotations

import math

import pytest
import torch
from scipy import stats as sps
from torch.distributions import MultivariateNormal

from genspec import stats
from genspec.checks import record

pytestmark = pytest.mark.area("gaussian")

F64 = torch.float64
WEIGHT = torch.tensor([[1.0, 0.8], [0.5, -0.3], [-0.4, 1.2]], dtype=F64)
BIAS = torch.tensor([0.1, -0.2, 0.3], dtype=F64)
NOISE_VAR = 0.3
X = torch.tensor([1.5, -0.5, 2.0], dtype=F64)
KS = (1, 2, 4, 8, 16)

ALPHA = 3e-5
EFFECT = 0.05  # in standard deviations of the paired difference
N = stats.z_sample_size(EFFECT, 1.0, alpha=2 * ALPHA / len(KS))


def _proposal() -> tuple[torch.Tensor, torch.Tensor]:
    """The best diagonal q (mean M^{-1} W^T (x - b), variances s^2 / M_jj), moved and widened."""
    m = WEIGHT.T @ WEIGHT + NOISE_VAR * torch.eye(2, dtype=F64)
    mean = torch.linalg.solve(m, WEIGHT.T @ (X - BIAS))
    return mean + 0.3, torch.log(2 * NOISE_VAR / m.diagonal())


@pytest.mark.statistical(
    statistic="one-sided paired z-tests of E[L_2k - L_k] >= 0 (k = 1, 2, 4, 8) and E[L_16] <= log p(x)",
    n=N, alpha=ALPHA,
    detects=f"a decrease of E[L_k] between consecutive k, or an excess of E[L_16] over log p(x), of "
            f"{EFFECT} standard deviations of the per-replicate difference")
def test_expected_iwae_bound_is_non_decreasing_in_k(impl, generator):
    mu, logvar = _proposal()
    eps = torch.randn(KS[-1], N, 2, dtype=F64, generator=generator)
    z = impl.reparameterize(mu, logvar, eps)  # (16, N, 2)
    log_noise = torch.full((3,), math.log(NOISE_VAR), dtype=F64)
    log_w = (impl.log_normal(X, z @ WEIGHT.T + BIAS, log_noise)
             + impl.log_normal(z, torch.zeros_like(z), torch.zeros_like(z))
             - impl.log_normal(z, mu, logvar))  # (16, N)
    bounds = {k: impl.iwae_bound(log_w[:k]) for k in KS}  # each (N,)
    log_px = float(MultivariateNormal(BIAS, WEIGHT @ WEIGHT.T + NOISE_VAR * torch.eye(3, dtype=F64)).log_prob(X))
    level = ALPHA / len(KS)
    checks = {f"E[L_{b}] - E[L_{a}] >= 0": bounds[b] - bounds[a] for a, b in zip(KS, KS[1:])}
    checks[f"log p(x) - E[L_{KS[-1]}] >= 0"] = log_px - bounds[KS[-1]]
    for name, diff in checks.items():
        mean, sd = float(diff.mean()), float(diff.std())
        z_stat = mean / (sd / math.sqrt(N)) if sd > 0 else math.inf
        p = float(sps.norm.cdf(z_stat))  # small when the mean difference is significantly negative
        record(check=name, mean=mean, sd=sd, p_value=p, n=N,
               detectable_nats=stats.z_min_shift(sd, N, alpha=2 * level) if sd > 0 else 0.0)
        assert p > level, f"{name}: mean difference {mean:.5f} (sd {sd:.4f}), p = {p:.2e} < {level:.1e}"
    record(expected_bounds={k: float(v.mean()) for k, v in bounds.items()}, log_px=log_px)
