r"""Statistical test: the expected IWAE bound is non-decreasing in k, stays below log p(x), and exp(L_k)
is an unbiased estimate of p(x).

Model: a linear-Gaussian latent model (p(z) = N(0, I_2), p(x|z) = N(W z + b, s^2 I_3)) with
non-orthogonal columns, and q a diagonal Gaussian wider than the posterior and off its mean (the
best diagonal q with its mean moved by 0.3 and its variances doubled), so the bound is strict and the
importance weights are bounded. For each of n replicates, 16 draws z_i = reparameterize(mu, logvar,
eps_i) give log weights log_normal(x; W z + b, s^2) + log_normal(z; 0, I) - log_normal(z; mu, logvar)
(all the implementation's), and L_k = iwae_bound(first k log weights) for k = 1, 2, 4, 8, 16 (nested,
so consecutive differences are paired).

Six sub-tests, Bonferroni over the six (sd estimated from the n > 10^4 replicates):

* one-sided z-tests that each mean difference E[L_2k - L_k] is not negative (4) and that E[L_16] is
  not above log p(x) (1); ``stats.z_sample_size`` is two-sided, at 2 alpha it gives the one-sided size;
* a two-sided z-test that E[exp(L_16 - log p(x))] = 1: L_k is the log of the unbiased estimate
  (1/k) sum_i w_i of p(x) (Burda et al., eq. (8)). The monotonicity tests alone cannot see an
  ``iwae_bound`` that returns the mean of the log weights (E[L_k] is then the ELBO for every k, a
  constant); this one can, by a margin known in closed form.

Closed forms (r = w / p(x) = p(z|x) / q(z), both Gaussian, so E_q[r^s] = int q^(1-s) p(z|x)^s dz is a
Gaussian integral, ``_log_power_integral``): the per-replicate variance of exp(L_16 - log p(x)) is
(E_q[r^2] - 1) / 16; with the mean-of-log-weights bug exp(L_16 - log p(x)) = prod_i r_i^(1/16), whose
mean is E_q[r^(1/16)]^16 (0.418 here, against 1) and whose second moment is E_q[r^(1/8)]^16. The
sample size is the larger of the monotonicity design's and the one that detects that bug with power
0.99; ``test_closed_forms_agree_with_quadrature`` checks the closed forms by Gauss-Hermite quadrature.

Burda et al. (arXiv:1509.00519), eq. (8) and Theorem 1; seed 004 eqs. (4)-(5).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch
from scipy import stats as sps
from torch.distributions import MultivariateNormal

from genspec import stats
from genspec.checks import assert_close, record

pytestmark = [pytest.mark.area("gaussian"), pytest.mark.tier("law")]

F64 = torch.float64
WEIGHT = torch.tensor([[1.0, 0.8], [0.5, -0.3], [-0.4, 1.2]], dtype=F64)
BIAS = torch.tensor([0.1, -0.2, 0.3], dtype=F64)
NOISE_VAR = 0.3
X = torch.tensor([1.5, -0.5, 2.0], dtype=F64)
KS = (1, 2, 4, 8, 16)
K_MAX = KS[-1]


def _posterior() -> tuple[torch.Tensor, torch.Tensor]:
    """p(z | x) = N(M^{-1} W^T (x - b), s^2 M^{-1}), M = W^T W + s^2 I: mean (2,) and covariance (2, 2)."""
    m = WEIGHT.T @ WEIGHT + NOISE_VAR * torch.eye(2, dtype=F64)
    return torch.linalg.solve(m, WEIGHT.T @ (X - BIAS)), NOISE_VAR * torch.linalg.inv(m)


def _proposal() -> tuple[torch.Tensor, torch.Tensor]:
    """The best diagonal q (mean M^{-1} W^T (x - b), variances s^2 / M_jj), moved and widened."""
    m = WEIGHT.T @ WEIGHT + NOISE_VAR * torch.eye(2, dtype=F64)
    mean, _ = _posterior()
    return mean + 0.3, torch.log(2 * NOISE_VAR / m.diagonal())


def _log_power_integral(s: float) -> float:
    """log E_q[r^s] = log int q(z)^(1-s) p(z|x)^s dz for Gaussians q and p(z|x), in closed form.

    The integrand is exp(-1/2 z^T P z + h^T z + c) with P = (1-s) A^{-1} + s B^{-1},
    h = (1-s) A^{-1} a + s B^{-1} b (q = N(a, A), p(z|x) = N(b, B)), so the integral is
    exp(c + h^T P^{-1} h / 2) (2 pi)^{d/2} det(P)^{-1/2}; P must be positive definite.
    """
    a, logvar = _proposal()
    big_a = torch.diag(torch.exp(logvar))
    b, big_b = _posterior()
    a_inv, b_inv = torch.linalg.inv(big_a), torch.linalg.inv(big_b)
    precision = (1 - s) * a_inv + s * b_inv
    assert bool((torch.linalg.eigvalsh(precision) > 0).all()), f"E_q[r^{s}] diverges"
    h = (1 - s) * a_inv @ a + s * b_inv @ b
    c = -0.5 * ((1 - s) * (torch.logdet(2 * math.pi * big_a) + a @ a_inv @ a)
                + s * (torch.logdet(2 * math.pi * big_b) + b @ b_inv @ b))
    d = a.numel()
    return float(c + 0.5 * h @ torch.linalg.solve(precision, h) + 0.5 * d * math.log(2 * math.pi)
                 - 0.5 * torch.logdet(precision))


SD_UNBIASED = math.sqrt(math.expm1(_log_power_integral(2.0)) / K_MAX)  # sd of exp(L_16 - log p(x))
MEAN_OF_LOGS = math.exp(K_MAX * _log_power_integral(1 / K_MAX))  # E[prod r_i^(1/16)] under the bug
SD_MEAN_OF_LOGS = math.sqrt(math.exp(K_MAX * _log_power_integral(2 / K_MAX)) - MEAN_OF_LOGS**2)

ALPHA = 3e-5
CHECKS = len(KS) + 1  # 4 paired differences, the upper bound, the unbiasedness
LEVEL = ALPHA / CHECKS
EFFECT = 0.05  # in standard deviations of the paired difference
N = max(stats.z_sample_size(EFFECT, 1.0, alpha=2 * LEVEL),
        stats.z_sample_size(1 - MEAN_OF_LOGS, max(SD_UNBIASED, SD_MEAN_OF_LOGS), alpha=LEVEL))
UNBIASED_SHIFT = stats.z_min_shift(SD_UNBIASED, N, alpha=LEVEL)


@pytest.mark.statistical(
    statistic="one-sided paired z-tests of E[L_2k - L_k] >= 0 (k = 1, 2, 4, 8) and E[L_16] <= log p(x); "
              "two-sided z-test of E[exp(L_16 - log p(x))] = 1",
    n=N, alpha=ALPHA,
    detects=f"a decrease of E[L_k] between consecutive k, or an excess of E[L_16] over log p(x), of "
            f"{EFFECT} standard deviations of the per-replicate difference; a relative bias of "
            f"{UNBIASED_SHIFT:.4f} in exp(L_16) as an estimate of p(x) (the mean of the log weights "
            f"instead of their log-mean-exp gives {MEAN_OF_LOGS - 1:+.3f}; a missing -log k gives +15)")
def test_expected_iwae_bound_is_non_decreasing_in_k(impl, generator):
    mu, logvar = _proposal()
    eps = torch.randn(K_MAX, N, 2, dtype=F64, generator=generator)
    z = impl.reparameterize(mu, logvar, eps)  # (16, N, 2)
    log_noise = torch.full((3,), math.log(NOISE_VAR), dtype=F64)
    log_w = (impl.log_normal(X, z @ WEIGHT.T + BIAS, log_noise)
             + impl.log_normal(z, torch.zeros_like(z), torch.zeros_like(z))
             - impl.log_normal(z, mu, logvar))  # (16, N)
    bounds = {k: impl.iwae_bound(log_w[:k]) for k in KS}  # each (N,)
    log_px = float(MultivariateNormal(BIAS, WEIGHT @ WEIGHT.T + NOISE_VAR * torch.eye(3, dtype=F64)).log_prob(X))
    checks = {f"E[L_{b}] - E[L_{a}] >= 0": bounds[b] - bounds[a] for a, b in zip(KS, KS[1:])}
    checks[f"log p(x) - E[L_{K_MAX}] >= 0"] = log_px - bounds[K_MAX]
    for name, diff in checks.items():
        mean, sd = float(diff.mean()), float(diff.std())
        z_stat = mean / (sd / math.sqrt(N)) if sd > 0 else math.inf
        p = float(sps.norm.cdf(z_stat))  # small when the mean difference is significantly negative
        record(check=name, mean=mean, sd=sd, p_value=p, n=N,
               detectable_nats=stats.z_min_shift(sd, N, alpha=2 * LEVEL) if sd > 0 else 0.0)
        assert p > LEVEL, f"{name}: mean difference {mean:.5f} (sd {sd:.4f}), p = {p:.2e} < {LEVEL:.1e}"
    ratio = torch.exp(bounds[K_MAX] - log_px)  # (N,): exp(L_16) / p(x), mean 1
    mean, sd = float(ratio.mean()), float(ratio.std())
    z_stat = (mean - 1) / (sd / math.sqrt(N)) if sd > 0 else math.inf
    p = float(2 * sps.norm.sf(abs(z_stat)))
    record(check=f"E[exp(L_{K_MAX} - log p(x))] = 1", mean=mean, sd=sd, sd_closed_form=SD_UNBIASED,
           p_value=p, n=N, detectable_shift=UNBIASED_SHIFT)
    assert p > LEVEL, (f"exp(L_{K_MAX}) is not an unbiased estimate of p(x): E[exp(L_{K_MAX}) / p(x)] = "
                       f"{mean:.5f} (sd {sd:.4f}, n {N}), expected 1; p = {p:.2e} < {LEVEL:.1e} (a mean of "
                       f"the log weights would give {MEAN_OF_LOGS:.4f})")
    record(expected_bounds={k: float(v.mean()) for k, v in bounds.items()}, log_px=log_px)


def test_closed_forms_agree_with_quadrature() -> None:
    """The design's closed forms E_q[r^s] against a 60 x 60 Gauss-Hermite rule over q (float64 oracle)."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(60)
    eps = torch.tensor(list(itertools.product(nodes, repeat=2)), dtype=F64)  # (3600, 2)
    w = torch.tensor([a * b for a, b in itertools.product(weights, repeat=2)], dtype=F64) / (2 * math.pi)
    mu, logvar = _proposal()
    z = mu + torch.exp(logvar / 2) * eps
    post_mean, post_cov = _posterior()
    q = MultivariateNormal(mu, torch.diag(torch.exp(logvar)))
    log_r = MultivariateNormal(post_mean, post_cov).log_prob(z) - q.log_prob(z)
    for s in (0.0, 1.0, 2.0, 1 / K_MAX, 2 / K_MAX):
        assert_close(torch.tensor(_log_power_integral(s), dtype=F64), torch.log((w * torch.exp(s * log_r)).sum()),
                     kind="identity", what=f"log E_q[r^{s:.4g}] closed form vs quadrature")
