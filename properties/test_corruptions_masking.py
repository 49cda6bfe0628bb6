"""Masking noise: exactly ``round(fraction · D)`` coordinates of each example zeroed, the rest untouched.

The inputs are drawn in [0.1, 1], so a zero in the output is a masked coordinate. ``round`` is
Python's (half to even). Two statistical checks, each on one batch of B = 4096 examples of D = 128
coordinates with k = 32 zeros: every mask of the batch is distinct (independent uniform k-subsets
collide with probability at most C(B, 2) / C(D, k) ≈ 6e-24), and each coordinate is masked in a
number of examples inside the level-1e-12 region of Binomial(B, k / D) (union bound over the D
coordinates). Both are deterministic given the seeded generator and declared with that α.
"""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from scipy import optimize
from scipy.stats import binom

from genspec import stats
from genspec import strategies as gst
from genspec.checks import record

pytestmark = pytest.mark.area("autoencoders")


@given(data=st.data(), fraction=st.floats(min_value=0.0, max_value=1.0), generator=gst.generators())
def test_masking_noise_zeroes_exactly_round_fraction_d_and_keeps_the_rest(impl, data, fraction, generator):
    dtype = data.draw(gst.float_dtypes(), label="dtype")
    batch = data.draw(gst.batch_shapes(max_side=4), label="batch")
    d = data.draw(st.integers(1, 24), label="D")
    x = data.draw(gst.tensors((*batch, d), dtype=dtype, min_value=0.1, max_value=1.0), label="x")
    x_before = x.clone()
    out = impl.masking_noise(x, fraction, generator=generator)
    assert out.shape == x.shape and out.dtype == dtype, f"shape {tuple(out.shape)}, dtype {out.dtype}"
    assert torch.equal(x, x_before), "masking_noise modified its input in place"
    masked = out == 0
    k = round(fraction * d)
    counts = masked.sum(-1)
    assert bool((counts == k).all()), (
        f"fraction={fraction}, D={d}: expected exactly round(fraction*D) = {k} zeros per example, "
        f"got counts {counts.flatten().tolist()}")
    assert torch.equal(out[~masked], x[~masked]), "unmasked coordinates were changed"


@pytest.mark.parametrize(("fraction", "d", "k"), [
    (0.25, 784, 196),   # a 25% masking of a 28x28 image
    (0.3, 5, 2),        # 1.5 rounds (half to even) to 2; int() would give 1
    (0.7, 10, 7),       # 0.7 * 10 = 6.999999999999999 in floating point; int() would give 6
    (0.5, 7, 4),        # 3.5 -> 4 (half to even)
    (0.5, 5, 2),        # 2.5 -> 2 (half to even)
])
def test_masking_noise_count_on_fixed_cases(impl, make_generator, fraction, d, k):
    assert round(fraction * d) == k
    x = torch.rand(16, d, dtype=torch.float64, generator=make_generator(1)) + 0.5
    out = impl.masking_noise(x, fraction, generator=make_generator(2))
    counts = (out == 0).sum(-1)
    assert bool((counts == k).all()), f"fraction={fraction}, D={d}: zeros per example {counts.tolist()}, expected {k}"
    assert torch.equal(out[out != 0], x[out != 0])


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


def test_masking_noise_extremes_and_generator_determinism(impl, make_generator):
    x = torch.rand(3, 7, dtype=torch.float64) + 0.5
    assert torch.equal(impl.masking_noise(x, 0.0, generator=make_generator(1)), x)
    assert bool((impl.masking_noise(x, 1.0, generator=make_generator(1)) == 0).all())
    a = impl.masking_noise(x, 0.4, generator=make_generator(2))
    b = impl.masking_noise(x, 0.4, generator=make_generator(2))
    assert torch.equal(a, b), "the same generator seed gave different masks"


@pytest.mark.parametrize("fraction", [-0.1, 1.1, float("nan")])
def test_masking_noise_rejects_fraction_outside_unit_interval(impl, fraction):
    with pytest.raises(ValueError, match="fraction"):
        impl.masking_noise(torch.ones(2, 4), fraction)


@pytest.mark.parametrize("fraction", [None, "0.5", True, False, 0.5j, [0.5]], ids=repr)
def test_masking_noise_rejects_a_fraction_that_is_not_a_real_number(impl, fraction):
    # float(True) = 1.0 would silently mask everything; None and "a" must not escape as TypeError.
    with pytest.raises(ValueError, match="fraction"):
        impl.masking_noise(torch.ones(2, 4), fraction)


def test_masking_noise_on_device_matches_cpu(impl, device, make_generator):
    # The generator stays on the CPU; the result lives on x's device and equals the CPU result.
    x = torch.rand(4, 9, dtype=torch.float64, generator=make_generator(3)) + 0.5
    on_cpu = impl.masking_noise(x, 0.3, generator=make_generator(4))
    on_device = impl.masking_noise(x.to(device), 0.3, generator=make_generator(4))
    assert on_device.device.type == device.type and on_device.dtype == x.dtype
    assert torch.equal(on_device.cpu(), on_cpu)
