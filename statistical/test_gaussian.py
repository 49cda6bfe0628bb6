"""Statistical tests of Gaussian latent samples: their law, and Monte Carlo KL against the closed form.

Each test declares its statistic, sample size n, false-alarm rate alpha (the item's total, split
evenly over its sub-tests by Bonferroni) and the smallest deviation it detects with power 0.99; n
comes from ``genspec.stats``. The two-sided z-tests rely on the central limit theorem at n > 10^5;
their first-order (skewness) error cancels between the two tails.

Seeds 000 ("正态分布的重参数化"), 001 (VAE section: ``z_mean + K.exp(z_log_sigma) * epsilon`` sampled,
while ``kl_loss`` reads z_log_sigma as a log-variance), 004 eq. (10).
"""

from __future__ import annotations

import math

import pytest
import torch
from scipy import stats as sps

from genspec import stats
from genspec.checks import record

pytestmark = [pytest.mark.area("gaussian"), pytest.mark.tier("law")]

F64 = torch.float64

# --------------------------------------------------------------------------- reparameterized samples

ALPHA_SAMPLES = 3e-5
STD_ERROR = 0.01  # a 1% error in the standard deviation: the variance off by a factor 1.01^2
N_SAMPLES = stats.z_sample_size((1 + STD_ERROR) ** 2 - 1, math.sqrt(2) * (1 + STD_ERROR) ** 2,
                                alpha=ALPHA_SAMPLES / 3)
MU = torch.tensor([0.5, -1.0, 0.3, 1.5, 0.0], dtype=F64)
LOGVAR = torch.tensor([-1.0, 0.5, 0.0, -2.0, 3.0], dtype=F64)


@pytest.mark.statistical(
    statistic="chi-square law of sum u^2 (variance), z-test of mean u, and one-sample KS of u ~ N(0,1), "
              "u = (z - mu) / exp(logvar / 2) pooled over 5 coordinates",
    n=N_SAMPLES, alpha=ALPHA_SAMPLES,
    detects=f"a {STD_ERROR:.0%} error in the standard deviation of every coordinate (variance test); "
            f"a mean shift of {stats.z_min_shift(1.0, N_SAMPLES, alpha=ALPHA_SAMPLES / 3):.3f} sd; "
            f"a CDF distance of {stats.ks_min_deviation(N_SAMPLES, alpha=ALPHA_SAMPLES / 3):.4f} (KS)")
def test_reparameterized_samples_follow_the_gaussian(impl, generator):
    rows = math.ceil(N_SAMPLES / MU.numel())
    eps = torch.randn(rows, MU.numel(), dtype=F64, generator=generator)
    z = impl.reparameterize(MU, LOGVAR, eps)
    u = ((z - MU) * torch.exp(-LOGVAR / 2)).flatten()[:N_SAMPLES]
    n = u.numel()
    sum_sq = float(u.square().sum())
    p_var = 2 * min(sps.chi2.cdf(sum_sq, n), sps.chi2.sf(sum_sq, n))
    z_mean = float(u.sum()) / math.sqrt(n)
    p_mean = 2 * sps.norm.sf(abs(z_mean))
    p_ks = sps.kstest(u.numpy(), "norm").pvalue
    record(n=n, variance_ratio=sum_sq / n, p_variance=p_var, p_mean=p_mean, p_ks=p_ks)
    level = ALPHA_SAMPLES / 3
    assert p_var > level, f"sample variance / exp(logvar) = {sum_sq / n:.5f}, p = {p_var:.2e} < {level:.1e}"
    assert p_mean > level, f"standardized mean = {z_mean / math.sqrt(n):.5f}, p = {p_mean:.2e} < {level:.1e}"
    assert p_ks > level, f"KS p = {p_ks:.2e} < {level:.1e}"


# --------------------------------------------------------------------------- Monte Carlo KL


ALPHA_KL = 3e-5
KL_ERROR = 0.02  # nats
MU_Q = torch.tensor([0.5, -1.0, 0.3, 1.5], dtype=F64)
LOGVAR_Q = torch.tensor([-1.0, 0.5, 0.0, -2.0], dtype=F64)
MU_P = torch.tensor([0.2, -0.5, 0.0, 1.0], dtype=F64)
LOGVAR_P = torch.tensor([-0.5, 0.5, 0.3, -1.0], dtype=F64)


def _mc_kl_sd(mu_q: torch.Tensor, logvar_q: torch.Tensor, mu_p: torch.Tensor, logvar_p: torch.Tensor) -> float:
    """sd of log q(z) - log p(z), z ~ q: with r = v_q / v_p and d = (mu_q - mu_p) / sqrt(v_p) it is
    const + ((r - 1) eps^2 + 2 d sqrt(r) eps) / 2, of variance (r - 1)^2 / 2 + d^2 r per coordinate."""
    r = torch.exp(logvar_q - logvar_p)
    d = (mu_q - mu_p) * torch.exp(-logvar_p / 2)
    return math.sqrt(float((0.5 * (r - 1) ** 2 + d**2 * r).sum()))


SD_KL = max(_mc_kl_sd(MU_Q, LOGVAR_Q, 0 * MU_Q, 0 * MU_Q), _mc_kl_sd(MU_Q, LOGVAR_Q, MU_P, LOGVAR_P))
N_KL = stats.z_sample_size(KL_ERROR, SD_KL, alpha=ALPHA_KL / 2)


@pytest.mark.statistical(
    statistic="two-sided z-tests (known sd) of mean(log q(z) - log p(z)) against kl_normal_std and kl_normal",
    n=N_KL, alpha=ALPHA_KL,
    detects=f"a difference of {KL_ERROR} nats between the Monte Carlo and the closed-form KL "
            f"(per-draw sd <= {SD_KL:.3f}); e.g. sampling with exp(logvar) as the standard deviation")
def test_monte_carlo_kl_agrees_with_the_closed_form(impl, generator):
    """z = reparameterize(mu, logvar, eps), log densities by log_normal: all from the implementation."""
    eps = torch.randn(N_KL, MU_Q.numel(), dtype=F64, generator=generator)
    z = impl.reparameterize(MU_Q, LOGVAR_Q, eps)
    log_q = impl.log_normal(z, MU_Q, LOGVAR_Q)
    zeros = torch.zeros_like(MU_Q)
    cases = {
        "KL(q || N(0, I))": (log_q - impl.log_normal(z, zeros, zeros), impl.kl_normal_std(MU_Q, LOGVAR_Q),
                             _mc_kl_sd(MU_Q, LOGVAR_Q, zeros, zeros)),
        "KL(q || p)": (log_q - impl.log_normal(z, MU_P, LOGVAR_P), impl.kl_normal(MU_Q, LOGVAR_Q, MU_P, LOGVAR_P),
                       _mc_kl_sd(MU_Q, LOGVAR_Q, MU_P, LOGVAR_P)),
    }
    level = ALPHA_KL / 2
    for name, (samples, closed_form, sd) in cases.items():
        estimate = float(samples.mean())
        z_stat = (estimate - float(closed_form)) / (sd / math.sqrt(N_KL))
        p = 2 * sps.norm.sf(abs(z_stat))
        record(kl=name, monte_carlo=estimate, closed_form=float(closed_form), p_value=p, n=N_KL)
        assert p > level, (f"{name}: Monte Carlo {estimate:.5f} vs closed form {float(closed_form):.5f} "
                           f"(z = {z_stat:.2f}, p = {p:.2e} < {level:.1e})")
