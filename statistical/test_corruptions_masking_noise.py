"""The law of ``masking_noise``: independent uniform k-subsets of the coordinates per example.

Two statistical checks, each on one batch of B = 4096 examples of D = 128 coordinates with k = 32
zeros: every mask of the batch is distinct (independent uniform k-subsets collide with probability at
most C(B, 2) / C(D, k) ≈ 6e-24), and each coordinate is masked in a number of examples inside the
level-1e-12 region of Binomial(B, k / D) (union bound over the D coordinates). Both are
deterministic given the seeded generator and declared with that α.

References: seed 002_5243b5eda1672e89.txt, section 降噪自编码器 (masking noise).
"""

from __future__ import annotations

import math

import pytest
import torch
from scipy import optimize
from scipy.stats import binom

from genspec import stats
from genspec.checks import record

pytestmark = [pytest.mark.area("autoencoders"), pytest.mark.tier("law")]

B, D, FRACTION = 4096, 128, 0.25
K = round(FRACTION * D)  # 32
# Under independence each row's mask is a uniform K-subset of the D coordinates, so two given rows
# share their mask with probability 1 / C(D, K); some pair of the B rows does with probability at
# most C(B, 2) / C(D, K) (union bound over pairs) = 5.7e-24.
ALPHA_DISTINCT = math.comb(B, 2) / math.comb(D, K)
assert ALPHA_DISTINCT < 1e-12
# Coordinate j is masked in Binomial(B, K / D) of the B rows (the rows are independent and each masks
# j with probability K / D). The equal-tailed region of level 1e-12 / D, applied to every coordinate,
# gives a false alarm with probability at most 1e-12 (union bound over the D coordinates).
ALPHA_COORD = 1e-12 / D
LO, HI = stats.binomial_critical_region(B, K / D, alpha=ALPHA_COORD)  # reject <= LO or >= HI
ALPHA_FREQUENCY = D * float(binom.cdf(LO, B, K / D) + binom.sf(HI - 1, B, K / D))
assert ALPHA_FREQUENCY <= 1e-12
# Smallest per-coordinate masking probability off K / D = 0.25 caught with power 0.99, either side.
DETECTED_BELOW = optimize.brentq(lambda p: stats.binomial_power(K / D, p, B, alpha=ALPHA_COORD) - 0.99,
                                 0.0, K / D - 1e-3)
DETECTED_ABOVE = optimize.brentq(lambda p: stats.binomial_power(K / D, p, B, alpha=ALPHA_COORD) - 0.99,
                                 K / D + 1e-3, 1.0)


def _masks(impl, generator: torch.Generator) -> torch.Tensor:
    """The (B, D) bool masks of one call on a batch of ones."""
    return impl.masking_noise(torch.ones(B, D, dtype=torch.float64), FRACTION, generator=generator) == 0


@pytest.mark.statistical(statistic="two rows of a batch with the same mask", n=B, alpha=ALPHA_DISTINCT,
                         detects="any mask reused by two examples of the batch: one mask for the whole "
                                 "batch, or row 2i's mask copied to row 2i + 1")
def test_masking_noise_masks_are_independent_across_examples(impl, generator):
    masks = _masks(impl, generator)
    distinct, inverse = torch.unique(masks, dim=0, return_inverse=True)
    record(distinct_masks=distinct.shape[0], n=B, alpha=ALPHA_DISTINCT)
    if distinct.shape[0] < B:
        first_dup = int(torch.nonzero(torch.bincount(inverse) > 1)[0])
        rows = torch.nonzero(inverse == first_dup).flatten()[:4].tolist()
        raise AssertionError(
            f"{B - distinct.shape[0]} of {B} rows repeat an earlier row's mask (rows {rows} share one; D={D}, "
            f"k={K}). Independent uniform k-subsets collide with probability <= C(B,2)/C(D,k) = "
            f"{ALPHA_DISTINCT:.1e}: masks are shared across examples")


@pytest.mark.statistical(statistic="per-coordinate masking count, binomial", n=B, alpha=ALPHA_FREQUENCY,
                         detects=f"a coordinate masked with probability <= {DETECTED_BELOW:.3f} or "
                                 f">= {DETECTED_ABOVE:.3f} instead of k/D = 0.25 (power 0.99), e.g. a mask "
                                 "restricted to fixed coordinates")
def test_masking_noise_masks_each_coordinate_with_probability_k_over_d(impl, generator):
    per_coordinate = _masks(impl, generator).sum(0)
    low, high = int(per_coordinate.min()), int(per_coordinate.max())
    record(min_times_masked=low, max_times_masked=high, expected=B * K / D, n=B, alpha=ALPHA_FREQUENCY)
    outside = torch.nonzero((per_coordinate <= LO) | (per_coordinate >= HI)).flatten().tolist()
    assert not outside, (
        f"coordinates {outside[:8]} were masked {per_coordinate[outside[:8]].tolist()} times in {B} examples; "
        f"Binomial(B={B}, k/D={K}/{D}) gives ({LO}, {HI}) except with probability {ALPHA_FREQUENCY:.1e}")
