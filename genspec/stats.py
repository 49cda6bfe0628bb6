"""Design of the suite's statistical tests: power, sample size, smallest detectable deviation.

Every statistical test in ``statistical/`` states its statistic, its sample size n, its false-alarm
rate α and the smallest deviation it detects with power ≥ 0.99. The numbers come from here:

* Pearson chi-square goodness of fit. Under an alternative p1 the statistic is approximately
  noncentral χ²(k − 1, λ) with λ = n·w², w² = Σ (p1_i − p0_i)² / p0_i (Cohen's w; Cochran 1952).
* One-sample Kolmogorov–Smirnov. The critical value comes from the exact null law
  (``scipy.stats.kstwo``). The power against an alternative whose CDF is d away from the null
  somewhere is bounded below by the chance that the empirical CDF at that one point crosses the
  critical band (a binomial probability), minimised over the point's CDF value, so sample sizes
  from here are conservative. ``meta_tests/test_stats.py`` checks the bound by simulation.
* Exact two-sided binomial test with equal tails of α/2 each.
* Two-sided z-test of a mean with known (or bounded) standard deviation.

The per-test α is declared in the test's ``statistical`` marker; ``total_alpha`` adds them up and
``meta_tests/test_alpha_budget.py`` asserts the suite's total is at most ``SUITE_ALPHA``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

SUITE_ALPHA: float = 1e-3
"""The whole suite's false-alarm budget: the sum of every collected statistical item's α."""

POWER: float = 0.99
"""The power every statistical test is designed for."""


def _check_alpha(alpha: float) -> None:
    if not 0.0 < alpha < 1.0:  # also false for NaN
        raise ValueError(f"alpha={alpha} must lie in (0, 1)")


def _check_alpha_power(alpha: float, power: float) -> None:
    _check_alpha(alpha)
    if not alpha < power < 1.0:
        raise ValueError(f"power={power} must lie in (alpha, 1)")


def _check_n(n: int, name: str = "n") -> None:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"{name}={n!r} must be a whole number >= 1")


def _check_positive(value: float, name: str) -> None:
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name}={value} must be positive and finite")


def _check_finite(value: float, name: str) -> None:
    if not math.isfinite(value):
        raise ValueError(f"{name}={value} must be finite")


def _check_probability(p: float, name: str, *, closed: bool = False) -> None:
    inside = 0.0 <= p <= 1.0 if closed else 0.0 < p < 1.0
    if not inside:  # also false for NaN
        raise ValueError(f"{name}={p} must lie in {'[0, 1]' if closed else '(0, 1)'}")


def _probabilities(p: Sequence[float] | np.ndarray, name: str) -> np.ndarray:
    arr = np.asarray(p, dtype=np.float64)
    if arr.ndim != 1 or arr.size < 2:
        raise ValueError(f"{name} must be a vector of at least 2 probabilities, got shape {arr.shape}")
    if np.any(arr < 0) or not math.isclose(float(arr.sum()), 1.0, rel_tol=0, abs_tol=1e-9):
        raise ValueError(f"{name} must be non-negative and sum to 1, got {arr.tolist()}")
    return arr


# ---------------------------------------------------------------- chi-square goodness of fit


def cohens_w(p0: Sequence[float], p1: Sequence[float]) -> float:
    """Effect size w = sqrt(Σ (p1 − p0)² / p0) of the alternative p1 against the null p0."""
    a, b = _probabilities(p0, "p0"), _probabilities(p1, "p1")
    if a.shape != b.shape:
        raise ValueError(f"p0 has {a.size} categories but p1 has {b.size}")
    if np.any(a <= 0):
        raise ValueError("p0 must be positive in every category")
    return float(np.sqrt(np.sum((b - a) ** 2 / a)))


def _chi2_lambda(df: int, alpha: float, power: float) -> float:
    crit = stats.chi2.isf(alpha, df)
    return float(optimize.brentq(lambda lam: stats.ncx2.sf(crit, df, lam) - power, 1e-9, 1e6, xtol=1e-10))


def chi2_gof_power_w(w: float, k: int, n: int, *, alpha: float) -> float:
    """Power of the chi-square test with k categories and n draws against effect size w."""
    if k < 2:
        raise ValueError(f"k={k} must be at least 2")
    _check_n(n)
    _check_alpha(alpha)
    if not (math.isfinite(w) and w >= 0):
        raise ValueError(f"w={w} must be non-negative and finite")
    crit = stats.chi2.isf(alpha, k - 1)
    return float(stats.ncx2.sf(crit, k - 1, n * w * w))


def chi2_gof_power(p0: Sequence[float], p1: Sequence[float], n: int, *, alpha: float) -> float:
    """Power of the Pearson chi-square test of p0 with n draws when the truth is p1."""
    return chi2_gof_power_w(cohens_w(p0, p1), len(p0), n, alpha=alpha)


def chi2_gof_sample_size(
    p0: Sequence[float], p1: Sequence[float], *, alpha: float, power: float = POWER
) -> int:
    """The smallest n at which the chi-square test of p0 rejects the truth p1 with ``power``."""
    _check_alpha_power(alpha, power)
    w = cohens_w(p0, p1)
    if w == 0:
        raise ValueError("p1 equals p0: no sample size detects no deviation")
    return math.ceil(_chi2_lambda(len(p0) - 1, alpha, power) / (w * w))


def chi2_gof_min_effect(n: int, k: int, *, alpha: float, power: float = POWER) -> float:
    """The smallest Cohen's w that n draws over k categories detect with ``power``."""
    _check_alpha_power(alpha, power)
    _check_n(n)
    if k < 2:
        raise ValueError(f"k={k} must be at least 2")
    return math.sqrt(_chi2_lambda(k - 1, alpha, power) / n)


# ---------------------------------------------------------------- Kolmogorov–Smirnov


def ks_critical_value(n: int, *, alpha: float) -> float:
    """The critical value of the one-sample two-sided KS statistic D_n at level α (exact law)."""
    _check_n(n)
    _check_alpha(alpha)
    return float(stats.kstwo.isf(alpha, n))


def ks_power(d: float, n: int, *, alpha: float) -> float:
    """A lower bound on the KS test's power when the true CDF differs from the null by d somewhere.

    At a point where F1 − F0 = d (F1 = q), the empirical CDF is Binomial(n, q)/n; the test surely
    rejects when it leaves the band F0 ± c. The bound is the smallest such probability over q.
    """
    if not 0.0 < d <= 1.0:  # also false for NaN
        raise ValueError(f"d={d} must lie in (0, 1]")
    c = ks_critical_value(n, alpha=alpha)
    qs = np.linspace(d, 1.0, 201)
    # reject if F_n(x) > F0 + c = q - d + c  (the deviation is upward; downward is symmetric)
    thresholds = np.floor(n * (qs - d + c) + 1e-12)
    probs = stats.binom.sf(thresholds, n, qs)
    return float(np.min(probs))


def ks_sample_size(d: float, *, alpha: float, power: float = POWER) -> int:
    """The smallest n for which ``ks_power(d, n)`` reaches ``power`` (a conservative size)."""
    _check_alpha_power(alpha, power)
    lo, hi = 1, 2
    while ks_power(d, hi, alpha=alpha) < power:
        lo, hi = hi, hi * 2
        if hi > 10**9:
            raise ValueError(f"d={d} is too small to detect with fewer than 1e9 draws")
    while hi - lo > max(1, hi // 1000):
        mid = (lo + hi) // 2
        if ks_power(d, mid, alpha=alpha) >= power:
            hi = mid
        else:
            lo = mid
    return hi


def ks_min_deviation(n: int, *, alpha: float, power: float = POWER) -> float:
    """The smallest sup-distance d between CDFs that n draws detect with ``power`` (bound-based)."""
    _check_alpha_power(alpha, power)
    _check_n(n)
    if ks_power(1.0, n, alpha=alpha) < power:
        raise ValueError(f"n={n} draws cannot reach power {power} at alpha {alpha}")
    return float(optimize.brentq(lambda d: ks_power(d, n, alpha=alpha) - power, 1e-6, 1.0, xtol=1e-6))


# ---------------------------------------------------------------- binomial


def binomial_critical_region(n: int, p0: float, *, alpha: float) -> tuple[int, int]:
    """(lo, hi): the equal-tailed test of p0 rejects x <= lo or x >= hi, each tail <= α/2."""
    _check_probability(p0, "p0")
    _check_n(n)
    _check_alpha(alpha)
    lo = int(stats.binom.ppf(alpha / 2, n, p0)) - 1
    while lo >= 0 and stats.binom.cdf(lo, n, p0) > alpha / 2:
        lo -= 1
    while stats.binom.cdf(lo + 1, n, p0) <= alpha / 2:
        lo += 1
    hi = int(stats.binom.isf(alpha / 2, n, p0)) + 1
    while hi <= n and stats.binom.sf(hi - 1, n, p0) > alpha / 2:
        hi += 1
    while hi - 1 >= 0 and stats.binom.sf(hi - 2, n, p0) <= alpha / 2:
        hi -= 1
    return lo, hi


def binomial_pvalue(x: int, n: int, p0: float) -> float:
    """Equal-tailed two-sided p-value of x successes in n trials under p0."""
    _check_probability(p0, "p0")
    _check_n(n)
    if not 0 <= x <= n:
        raise ValueError(f"x={x} must lie in [0, n={n}]")
    return float(min(1.0, 2 * min(stats.binom.cdf(x, n, p0), stats.binom.sf(x - 1, n, p0))))


def binomial_power(p0: float, p1: float, n: int, *, alpha: float) -> float:
    """Exact power of the equal-tailed binomial test of p0 with n trials when the truth is p1."""
    _check_probability(p1, "p1", closed=True)
    lo, hi = binomial_critical_region(n, p0, alpha=alpha)
    return float(stats.binom.cdf(lo, n, p1) + stats.binom.sf(hi - 1, n, p1))


def binomial_sample_size(p0: float, p1: float, *, alpha: float, power: float = POWER) -> int:
    """The smallest n (from a normal start, confirmed exactly) reaching ``power`` against p1."""
    _check_alpha_power(alpha, power)
    _check_probability(p0, "p0")
    _check_probability(p1, "p1", closed=True)
    if p0 == p1:
        raise ValueError("p1 equals p0")
    za, zb = stats.norm.isf(alpha / 2), stats.norm.isf(1 - power)
    guess = ((za * math.sqrt(p0 * (1 - p0)) + zb * math.sqrt(p1 * (1 - p1))) / (p1 - p0)) ** 2
    n = max(1, int(guess * 0.8))
    step = max(1, n // 200)
    while binomial_power(p0, p1, n, alpha=alpha) < power:
        n += step
    return n


def binomial_min_deviation(p0: float, n: int, *, alpha: float, power: float = POWER,
                           direction: str = "both") -> float:
    """The smallest |p1 − p0| that n trials detect with ``power`` (the reverse of the sample size).

    ``direction`` is ``"up"`` (p1 > p0), ``"down"`` (p1 < p0) or ``"both"`` (the larger of the two,
    so that a deviation of that size either way is detected). The exact power is not monotone in n
    (the lattice of the binomial), but for fixed n it is monotone in p1 on each side of p0, so
    bisection on p1 is exact.
    """
    _check_alpha_power(alpha, power)
    _check_probability(p0, "p0")
    _check_n(n)
    if direction not in ("up", "down", "both"):
        raise ValueError(f"direction={direction!r} must be 'up', 'down' or 'both'")

    def side(sign: int) -> float:
        far = 1.0 if sign > 0 else 0.0
        if binomial_power(p0, far, n, alpha=alpha) < power:
            return math.inf
        edge = optimize.brentq(lambda p1: binomial_power(p0, p1, n, alpha=alpha) - power,
                               p0, far, xtol=1e-12)
        return abs(edge - p0)

    if direction == "up":
        return side(+1)
    if direction == "down":
        return side(-1)
    return max(side(+1), side(-1))


# ---------------------------------------------------------------- z-test of a mean


def z_power(delta: float, sigma: float, n: int, *, alpha: float) -> float:
    """Power of the two-sided z-test of a mean shift ``delta`` with per-draw std ``sigma``."""
    _check_positive(sigma, "sigma")
    _check_finite(delta, "delta")
    _check_n(n)
    _check_alpha(alpha)
    za = stats.norm.isf(alpha / 2)
    shift = abs(delta) * math.sqrt(n) / sigma
    return float(stats.norm.sf(za - shift) + stats.norm.cdf(-za - shift))


def z_sample_size(delta: float, sigma: float, *, alpha: float, power: float = POWER) -> int:
    """The smallest n at which a two-sided z-test detects a mean shift ``delta`` with ``power``."""
    _check_alpha_power(alpha, power)
    _check_positive(sigma, "sigma")
    _check_finite(delta, "delta")
    if delta == 0:
        raise ValueError("delta must be non-zero")
    za, zb = stats.norm.isf(alpha / 2), stats.norm.isf(1 - power)
    n = max(1, math.ceil(((za + zb) * sigma / abs(delta)) ** 2))
    while z_power(delta, sigma, n, alpha=alpha) < power:
        n += 1
    return n


def z_min_shift(sigma: float, n: int, *, alpha: float, power: float = POWER) -> float:
    """The smallest mean shift that n draws of std ``sigma`` detect with ``power``."""
    _check_alpha_power(alpha, power)
    _check_positive(sigma, "sigma")
    _check_n(n)
    return (stats.norm.isf(alpha / 2) + stats.norm.isf(1 - power)) * sigma / math.sqrt(n)


# ---------------------------------------------------------------- the suite's budget


@dataclass(frozen=True)
class Design:
    """The declared design of one statistical test item."""

    name: str
    statistic: str
    n: int
    alpha: float
    detects: str


def design_from_marker(name: str, kwargs: dict) -> Design:
    """Validate a ``statistical`` marker's keywords and return its design."""
    missing = {"statistic", "n", "alpha", "detects"} - set(kwargs)
    if missing:
        raise ValueError(f"{name}: the statistical marker lacks {sorted(missing)}")
    alpha = float(kwargs["alpha"])
    if not 0 < alpha < 1:
        raise ValueError(f"{name}: alpha={alpha} must lie in (0, 1)")
    return Design(name, str(kwargs["statistic"]), int(kwargs["n"]), alpha, str(kwargs["detects"]))


def total_alpha(designs: Sequence[Design]) -> float:
    """The union bound on the probability that any of the designs raises a false alarm."""
    return float(sum(d.alpha for d in designs))
