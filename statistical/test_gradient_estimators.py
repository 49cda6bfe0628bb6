"""Statistical tests of the score-function and reparameterization gradient estimators.

The example is seed 004 eq. (10)'s one-dimensional q = N(mu, sigma^2) with mu = 1, sigma = 1
(logvar = 0) and f(z) = z^2, so E_q[f] = mu^2 + sigma^2 and the gradient is (d/dmu, d/dlogvar) =
(2 mu, sigma^2) = (2, 1). The per-draw terms are polynomials in eps; their exact means, variances and
fourth central moments are computed here by Gauss-Hermite quadrature, so the designs' standard
deviations are known, not estimated. Two-sided z-tests (known sd; their first-order skewness error
cancels between the tails), Bonferroni over each item's sub-tests; n from ``genspec.stats``.

Seed 004 eqs. (7), (9), (10); seed 000 "重参数化背后的梯度估计" (whose score-function formula is
missing) and "Gumbel Softmax 的优势与应用" (the claim that reparameterization lowers the variance).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy import stats as sps

from genspec import stats
from genspec.checks import record

pytestmark = [pytest.mark.area("gaussian"), pytest.mark.tier("law")]

F64 = torch.float64
MU = torch.tensor([1.0], dtype=F64)
LOGVAR = torch.tensor([0.0], dtype=F64)
GRADIENT = {"mu": 2.0, "logvar": 1.0}


def f(z: torch.Tensor) -> torch.Tensor:
    """f(z) = z^2 summed over the event dimension: (L, 1) -> (L,)."""
    return z.square().sum(-1)


def _term_moments() -> dict[str, tuple[float, float, float]]:
    """(mean, variance, 4th central moment) of each per-draw term, by 40-node Gauss-Hermite."""
    x, w = np.polynomial.hermite_e.hermegauss(40)
    w = w / w.sum()
    z = 1.0 + x
    terms = {
        ("score_function", "mu"): z**2 * x,
        ("score_function", "logvar"): z**2 * 0.5 * (x**2 - 1),
        ("reparameterization", "mu"): 2 * z,
        ("reparameterization", "logvar"): z * x,
    }
    out = {}
    for key, t in terms.items():
        m = float((w * t).sum())
        out[key] = (m, float((w * (t - m) ** 2).sum()), float((w * (t - m) ** 4).sum()))
    return out


MOMENTS = _term_moments()

# --------------------------------------------------------------------------- unbiasedness

ALPHA_BIAS = 3e-5
RELATIVE_BIAS = 0.1
N_BIAS = max(stats.z_sample_size(RELATIVE_BIAS * GRADIENT[p], math.sqrt(v), alpha=ALPHA_BIAS / 4)
             for (_, p), (_, v, _) in MOMENTS.items())


def _per_draw(impl, estimator: str, generator: torch.Generator, n: int) -> dict[str, torch.Tensor]:
    fn = getattr(impl, f"{estimator}_gradient")
    g_mu, g_logvar = fn(f, MU, LOGVAR, num_samples=n, generator=generator, reduction="none")
    return {"mu": g_mu.flatten(), "logvar": g_logvar.flatten()}


@pytest.mark.statistical(
    statistic="two-sided z-tests (known sd) of the mean per-draw gradient, 2 estimators x 2 parameters",
    n=N_BIAS, alpha=ALPHA_BIAS,
    detects=f"a bias of {RELATIVE_BIAS:.0%} of the true gradient (2, 1) in either estimator, either "
            f"parameter (e.g. a missing 1/2 in d log q / d logvar)")
def test_both_gradient_estimators_are_unbiased(impl, make_generator):
    level = ALPHA_BIAS / 4
    for i, estimator in enumerate(("score_function", "reparameterization")):
        terms = _per_draw(impl, estimator, make_generator(i), N_BIAS)
        for param, samples in terms.items():
            _, var, _ = MOMENTS[(estimator, param)]
            estimate = float(samples.mean())
            z_stat = (estimate - GRADIENT[param]) / math.sqrt(var / N_BIAS)
            p = 2 * sps.norm.sf(abs(z_stat))
            record(estimator=estimator, parameter=param, estimate=estimate, exact=GRADIENT[param], p_value=p)
            assert p > level, (f"{estimator} d/d{param}: mean {estimate:.4f} vs exact {GRADIENT[param]} "
                               f"(z = {z_stat:.2f}, p = {p:.2e} < {level:.1e})")


# --------------------------------------------------------------------------- variance

ALPHA_VAR = 3e-5
RELATIVE_VAR_ERROR = 0.1
N_VAR = max(stats.z_sample_size(RELATIVE_VAR_ERROR * v, math.sqrt(m4 - v * v), alpha=ALPHA_VAR / 2)
            for (_, p), (_, v, m4) in MOMENTS.items() if p == "mu")


@pytest.mark.statistical(
    statistic="two-sided z-tests of the sample variance of the per-draw d/dmu of each estimator against "
              "its exact value (sd of the sample variance from the exact 4th moment)",
    n=N_VAR, alpha=ALPHA_VAR,
    detects=f"a {RELATIVE_VAR_ERROR:.0%} error in either per-draw variance (exact: "
            f"{MOMENTS[('score_function', 'mu')][1]:.0f} score function, "
            f"{MOMENTS[('reparameterization', 'mu')][1]:.0f} reparameterization)")
def test_reparameterization_has_the_lower_variance(impl, make_generator):
    level = ALPHA_VAR / 2
    variances = {}
    for i, estimator in enumerate(("score_function", "reparameterization")):
        samples = _per_draw(impl, estimator, make_generator(10 + i), N_VAR)["mu"]
        _, var, m4 = MOMENTS[(estimator, "mu")]
        s2 = float(samples.var())
        z_stat = (s2 - var) / math.sqrt((m4 - var * var) / N_VAR)
        p = 2 * sps.norm.sf(abs(z_stat))
        variances[estimator] = s2
        record(estimator=estimator, sample_variance=s2, exact_variance=var, p_value=p)
        assert p > level, (f"{estimator}: per-draw variance of d/dmu {s2:.3f} vs exact {var:.3f} "
                           f"(z = {z_stat:.2f}, p = {p:.2e} < {level:.1e})")
    assert variances["reparameterization"] < variances["score_function"], variances
