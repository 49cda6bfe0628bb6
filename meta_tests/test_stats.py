"""Tests of ``genspec.stats``: power and sample-size formulas against scipy and simulation."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from scipy import stats as sps

from genspec import stats

SIMS = 4000  # simulated repetitions; a simulated power of 0.99 has standard error ~0.0016


def _sim_rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def test_chi2_power_matches_simulation() -> None:
    p0 = np.array([0.4, 0.3, 0.2, 0.1])
    p1 = np.array([0.43, 0.29, 0.18, 0.10])
    alpha = 1e-3
    n = stats.chi2_gof_sample_size(p0, p1, alpha=alpha, power=0.9)
    counts = _sim_rng(1).multinomial(n, p1, size=SIMS)
    chi2 = ((counts - n * p0) ** 2 / (n * p0)).sum(axis=1)
    simulated = float(np.mean(chi2 > sps.chi2.isf(alpha, 3)))
    predicted = stats.chi2_gof_power(p0, p1, n, alpha=alpha)
    assert predicted >= 0.9
    # the noncentral approximation is within a few percent at these sizes
    assert abs(simulated - predicted) < 0.03, (simulated, predicted)


def test_chi2_sample_size_is_the_smallest() -> None:
    p0, p1 = [0.5, 0.5], [0.52, 0.48]
    n = stats.chi2_gof_sample_size(p0, p1, alpha=1e-4)
    assert stats.chi2_gof_power(p0, p1, n, alpha=1e-4) >= 0.99
    assert stats.chi2_gof_power(p0, p1, n - 2, alpha=1e-4) < 0.99


def test_chi2_min_effect_is_the_inverse_of_sample_size() -> None:
    p0 = [0.25, 0.25, 0.25, 0.25]
    p1 = [0.28, 0.24, 0.24, 0.24]
    n = stats.chi2_gof_sample_size(p0, p1, alpha=1e-5)
    w = stats.chi2_gof_min_effect(n, 4, alpha=1e-5)
    assert w == pytest.approx(stats.cohens_w(p0, p1), rel=1e-3)


def test_chi2_type_one_error_matches_alpha() -> None:
    p0 = np.array([0.1, 0.2, 0.7])
    n, alpha = 2000, 0.05
    counts = _sim_rng(2).multinomial(n, p0, size=SIMS)
    chi2 = ((counts - n * p0) ** 2 / (n * p0)).sum(axis=1)
    rate = float(np.mean(chi2 > sps.chi2.isf(alpha, 2)))
    assert abs(rate - alpha) < 4 * np.sqrt(alpha * (1 - alpha) / SIMS)


def test_ks_power_is_a_lower_bound_on_simulated_power() -> None:
    d, alpha, reps = 0.1, 1e-3, 1000
    n = stats.ks_sample_size(d, alpha=alpha, power=0.9)
    # an alternative whose CDF differs from U(0,1) by exactly d: a shift of the uniform by d
    x = np.sort(_sim_rng(3).uniform(d, 1 + d, size=(reps, n)).clip(max=1.0), axis=1)
    i = np.arange(1, n + 1)
    d_n = np.maximum((i / n - x).max(axis=1), (x - (i - 1) / n).max(axis=1))  # the KS statistic
    simulated = float(np.mean(d_n > stats.ks_critical_value(n, alpha=alpha)))
    assert simulated >= 0.9 - 3 * np.sqrt(0.09 / reps), (simulated, n)


def test_ks_sample_size_and_min_deviation_agree() -> None:
    n = stats.ks_sample_size(0.02, alpha=1e-5)
    assert stats.ks_power(0.02, n, alpha=1e-5) >= 0.99
    assert stats.ks_min_deviation(n, alpha=1e-5) <= 0.02 + 1e-4
    assert stats.ks_min_deviation(n // 2, alpha=1e-5) > 0.02


def test_ks_critical_value_is_scipys() -> None:
    assert stats.ks_critical_value(500, alpha=0.01) == pytest.approx(sps.kstwo.isf(0.01, 500))


def test_binomial_region_has_level_alpha() -> None:
    n, p0, alpha = 3000, 0.3, 1e-3
    lo, hi = stats.binomial_critical_region(n, p0, alpha=alpha)
    assert sps.binom.cdf(lo, n, p0) <= alpha / 2 < sps.binom.cdf(lo + 1, n, p0)
    assert sps.binom.sf(hi - 1, n, p0) <= alpha / 2 < sps.binom.sf(hi - 2, n, p0)
    assert stats.binomial_power(p0, p0, n, alpha=alpha) <= alpha


def test_binomial_power_matches_simulation() -> None:
    p0, p1, alpha = 0.2, 0.23, 1e-3
    n = stats.binomial_sample_size(p0, p1, alpha=alpha, power=0.9)
    lo, hi = stats.binomial_critical_region(n, p0, alpha=alpha)
    x = _sim_rng(4).binomial(n, p1, size=SIMS)
    simulated = float(np.mean((x <= lo) | (x >= hi)))
    assert abs(simulated - stats.binomial_power(p0, p1, n, alpha=alpha)) < 0.02
    assert stats.binomial_pvalue(lo, n, p0) <= alpha


def test_z_sample_size_reaches_power_and_min_shift_inverts_it() -> None:
    n = stats.z_sample_size(0.1, 2.0, alpha=1e-4)
    assert stats.z_power(0.1, 2.0, n, alpha=1e-4) >= 0.99 > stats.z_power(0.1, 2.0, n - 5, alpha=1e-4)
    assert stats.z_min_shift(2.0, n, alpha=1e-4) <= 0.1


@pytest.mark.parametrize("bad", [{"alpha": 0.0}, {"alpha": 1.0}, {"alpha": 0.5, "power": 0.4}])
def test_bad_design_arguments_raise(bad: dict) -> None:
    with pytest.raises(ValueError, match="alpha|power"):
        stats.z_sample_size(0.1, 1.0, **{"alpha": 0.01, **bad})


def test_design_marker_validation() -> None:
    with pytest.raises(ValueError, match="lacks"):
        stats.design_from_marker("t", {"alpha": 1e-5})
    d = stats.design_from_marker("t", {"statistic": "chi2", "n": 10, "alpha": 1e-5, "detects": "x"})
    assert stats.total_alpha([d, d]) == pytest.approx(2e-5)


def test_binomial_min_deviation_inverts_sample_size() -> None:
    p0, p1, alpha = 0.3, 0.33, 1e-4
    n = stats.binomial_sample_size(p0, p1, alpha=alpha)
    d_up = stats.binomial_min_deviation(p0, n, alpha=alpha, direction="up")
    # the smallest detectable upward shift at the size computed for p1 is at most p1 - p0 ...
    assert d_up <= p1 - p0 + 1e-9
    # ... and it is tight: just below it the power falls short, at it the power is reached
    assert stats.binomial_power(p0, p0 + d_up, n, alpha=alpha) == pytest.approx(0.99, abs=1e-6)
    assert stats.binomial_power(p0, p0 + 0.9 * d_up, n, alpha=alpha) < 0.99
    d_down = stats.binomial_min_deviation(p0, n, alpha=alpha, direction="down")
    assert stats.binomial_power(p0, p0 - d_down, n, alpha=alpha) == pytest.approx(0.99, abs=1e-6)
    assert stats.binomial_min_deviation(p0, n, alpha=alpha) == max(d_up, d_down)


def test_binomial_min_deviation_is_infinite_when_no_deviation_reaches_the_power() -> None:
    # 5 trials at alpha 1e-4 cannot reject anything on the lower side of p0 = 0.01
    assert stats.binomial_min_deviation(0.01, 5, alpha=1e-4, direction="down") == float("inf")


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: stats.z_power(0.1, float("nan"), 10, alpha=0.01), "sigma"),
        (lambda: stats.z_power(float("nan"), 1.0, 10, alpha=0.01), "delta"),
        (lambda: stats.z_min_shift(-1.0, 10, alpha=0.01), "sigma"),
        (lambda: stats.z_min_shift(1.0, 0, alpha=0.01), "n"),
        (lambda: stats.z_sample_size(float("inf"), 1.0, alpha=0.01), "delta"),
        (lambda: stats.ks_critical_value(100, alpha=float("nan")), "alpha"),
        (lambda: stats.ks_power(float("nan"), 100, alpha=0.01), "d"),
        (lambda: stats.ks_min_deviation(2.5, alpha=0.01), "n"),
        (lambda: stats.chi2_gof_power_w(float("nan"), 3, 100, alpha=0.01), "w"),
        (lambda: stats.chi2_gof_min_effect(0, 3, alpha=0.01), "n"),
        (lambda: stats.cohens_w([0.5, float("nan")], [0.5, 0.5]), "p0"),
        (lambda: stats.binomial_power(0.5, 1.5, 100, alpha=0.01), "p1"),
        (lambda: stats.binomial_critical_region(100, float("nan"), alpha=0.01), "p0"),
        (lambda: stats.binomial_pvalue(101, 100, 0.5), "x"),
        (lambda: stats.binomial_min_deviation(0.5, 100, alpha=0.01, direction="left"), "direction"),
    ],
)
def test_bad_arguments_raise_value_error_naming_them(call: Callable[[], object], name: str) -> None:
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        call()
