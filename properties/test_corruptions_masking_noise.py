"""Masking noise: exactly ``round(fraction · D)`` coordinates of each example zeroed, the rest untouched.

The inputs are drawn in [0.1, 1], so a zero in the output is a masked coordinate. ``round`` is
Python's (half to even). The law of the masks (independent, uniform) is in
``statistical/test_corruptions_masking_noise.py``.
"""

from __future__ import annotations


import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from genspec import strategies as gst
from genspec.bad_inputs import NOT_GENERATORS

pytestmark = [pytest.mark.area("autoencoders"), pytest.mark.tier("law")]


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


def test_masking_noise_extremes_and_generator_determinism(impl, make_generator):
    x = torch.rand(3, 7, dtype=torch.float64) + 0.5
    assert torch.equal(impl.masking_noise(x, 0.0, generator=make_generator(1)), x)
    assert bool((impl.masking_noise(x, 1.0, generator=make_generator(1)) == 0).all())
    a = impl.masking_noise(x, 0.4, generator=make_generator(2))
    b = impl.masking_noise(x, 0.4, generator=make_generator(2))
    assert torch.equal(a, b), "the same generator seed gave different masks"


@pytest.mark.tier("validation")
@pytest.mark.parametrize("fraction", [-0.1, 1.1, float("nan")])
def test_masking_noise_rejects_fraction_outside_unit_interval(impl, fraction):
    with pytest.raises(ValueError, match="fraction"):
        impl.masking_noise(torch.ones(2, 4), fraction)


@pytest.mark.tier("validation")
@pytest.mark.parametrize("fraction", [None, "0.5", True, False, 0.5j, [0.5]], ids=repr)
def test_masking_noise_rejects_a_fraction_that_is_not_a_real_number(impl, fraction):
    # float(True) = 1.0 would silently mask everything; None and "a" must not escape as TypeError.
    with pytest.raises(ValueError, match="fraction"):
        impl.masking_noise(torch.ones(2, 4), fraction)


@pytest.mark.tier("numerics")
def test_masking_noise_on_device_matches_cpu(impl, device, make_generator):
    # The generator stays on the CPU; the result lives on x's device and equals the CPU result.
    x = torch.rand(4, 9, dtype=torch.float64, generator=make_generator(3)) + 0.5
    on_cpu = impl.masking_noise(x, 0.3, generator=make_generator(4))
    on_device = impl.masking_noise(x.to(device), 0.3, generator=make_generator(4))
    assert on_device.device.type == device.type and on_device.dtype == x.dtype
    assert torch.equal(on_device.cpu(), on_cpu)


@pytest.mark.tier("validation")
@pytest.mark.parametrize("generator", NOT_GENERATORS)
def test_masking_noise_rejects_a_generator_that_is_not_a_torch_generator(impl, generator):
    with pytest.raises(TypeError, match=r"\bgenerator\b"):
        impl.masking_noise(torch.ones(2, 4), 0.5, generator=generator)
