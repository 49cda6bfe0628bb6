r"""The Gumbel upper tail is not truncated, and no draw is NaN or infinite.

The largest Gumbel draw decides the argmax winner, so a sampler whose uniforms cannot get close
enough to 1 biases every Gumbel-Max and Gumbel-Softmax sample a little. Where the tail is cut
depends on the uniform: ``u <= 1 - 1e-6`` (a common clamp) caps g at 13.82; float32 uniforms on the
grid ``j * 2**-24`` cap it at ``-log(-log(1 - 2**-24)) = 16.64``; ``torch.distributions.Gumbel``
clamps u to ``[tiny, 1 - eps]`` and caps float32 draws at 15.94. The count of draws above a
threshold t is Binomial(n, P(G > t)), ``P(G > t) = 1 - exp(-exp(-t))``; an exact two-sided binomial
test with alpha/2 in each tail.

Design (``genspec.stats.binomial_sample_size``): alpha = 1e-5 per item; n is the smallest size at
which a sampler with no draw at all above t is rejected with power 0.99. Default run: t = 13.85
(n ~ 1.3e7). Slow: t = 16.7 (n ~ 2.2e8, float32 output), and 1e8 draws per dtype, all finite.
Reference: ``reference/gumbel.py``.
"""

from __future__ import annotations

import math

import pytest
import torch

from genspec import stats
from genspec.checks import record

pytestmark = [pytest.mark.area("gumbel"), pytest.mark.tier("law")]

ALPHA = 1e-5
CHUNK = 2**22


def _tail_design(threshold: float) -> tuple[float, int]:
    p0 = -math.expm1(-math.exp(-threshold))
    return p0, stats.binomial_sample_size(p0, 0.0, alpha=ALPHA)


T_DEFAULT = 13.85
P_DEFAULT, N_DEFAULT = _tail_design(T_DEFAULT)
T_SLOW = 16.7
P_SLOW, N_SLOW = _tail_design(T_SLOW)


def _count_above(impl, generator: torch.Generator, n: int, threshold: float, dtype: torch.dtype) -> tuple[int, float]:
    count, top, left = 0, -math.inf, n
    while left > 0:
        g = impl.sample_gumbel((min(CHUNK, left),), generator=generator, dtype=dtype)
        count += int((g > threshold).sum())
        top = max(top, float(g.max()))
        left -= g.numel()
    return count, top


def _check_tail(impl, generator: torch.Generator, threshold: float, p0: float, n: int, dtype: torch.dtype) -> None:
    count, top = _count_above(impl, generator, n, threshold, dtype)
    lo, hi = stats.binomial_critical_region(n, p0, alpha=ALPHA)
    p = stats.binomial_pvalue(count, n, p0)
    record(threshold=threshold, n=n, count=count, expected=n * p0, p_value=p, largest_draw=top, alpha=ALPHA)
    assert lo < count < hi, (
        f"{count} of {n} {dtype} Gumbel draws exceed {threshold} (expected {n * p0:.1f}, acceptance "
        f"{lo + 1}..{hi - 1}, p = {p:.2e}); the largest draw is {top:.3f}: the upper tail is cut")


@pytest.mark.tier("numerics")
@pytest.mark.statistical(
    statistic="exact binomial count of draws above 13.85", n=N_DEFAULT, alpha=ALPHA,
    detects="no draws above 13.85 (e.g. u clamped to 1 - 1e-6, which caps g at 13.82)")
def test_upper_tail_beyond_u_clamped_at_one_minus_1e6(impl, generator) -> None:
    _check_tail(impl, generator, T_DEFAULT, P_DEFAULT, N_DEFAULT, torch.float32)


@pytest.mark.tier("numerics")
@pytest.mark.slow
@pytest.mark.statistical(
    statistic="exact binomial count of float32 draws above 16.7", n=N_SLOW, alpha=ALPHA,
    detects=("no float32 draws above 16.7 (float32 uniforms cap g at 16.64; "
             "torch.distributions.Gumbel's clamp at 15.94)"))
def test_float32_upper_tail_beyond_the_float32_uniform_grid(impl, generator) -> None:
    _check_tail(impl, generator, T_SLOW, P_SLOW, N_SLOW, torch.float32)


@pytest.mark.tier("numerics")
@pytest.mark.slow
@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16], ids=str)
def test_1e8_draws_are_all_finite(impl, generator, dtype) -> None:
    """A float32 uniform is 0 once in 2**24 draws: -log(-log u) unguarded gives about 6 -inf in 1e8
    draws (missed with probability e^-6 = 0.25%)."""
    bad, left = 0, 10**8
    while left > 0:
        g = impl.sample_gumbel((min(CHUNK, left),), generator=generator, dtype=dtype)
        bad += int((~torch.isfinite(g)).sum())
        left -= g.numel()
    record(dtype=str(dtype), non_finite=bad, n=10**8)
    assert bad == 0, f"{bad} of 1e8 {dtype} Gumbel draws are NaN or infinite"
