"""Gaussian corruption: ``gaussian_noise(x, std, clip=(lo, hi)) = clamp(x + std · N(0, 1), lo, hi)``.

Seed 001 corrupts with ``noise_factor = 0.5`` and clips to [0, 1] (the contract's default). The
clipped result must be the clamp of the unclipped one drawn from the same generator state. The
noise's law is in ``statistical/test_corruptions_gaussian_noise.py``.
"""

from __future__ import annotations


import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from genspec import strategies as gst
from genspec.bad_inputs import NOT_GENERATORS

pytestmark = [pytest.mark.area("autoencoders"), pytest.mark.tier("law")]


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


@given(data=st.data(), std=st.floats(min_value=0.0, max_value=5.0), seed=gst.seeds())
def test_gaussian_noise_respects_clip_and_is_the_clamp_of_the_unclipped_draw(impl, data, std, seed):
    dtype = data.draw(gst.float_dtypes(), label="dtype")
    shape = data.draw(gst.shapes(min_rank=0, max_rank=4, max_side=5), label="shape")
    x = data.draw(gst.tensors(shape, dtype=dtype, min_value=-1.0, max_value=2.0), label="x")
    lo = data.draw(st.floats(min_value=-1.0, max_value=1.0), label="lo")
    hi = data.draw(st.floats(min_value=lo, max_value=2.0), label="hi")
    out = impl.gaussian_noise(x, std, clip=(lo, hi), generator=_gen(seed))
    free = impl.gaussian_noise(x, std, clip=None, generator=_gen(seed))
    assert out.shape == x.shape and out.dtype == dtype and free.shape == x.shape
    assert bool(((out >= lo) & (out <= hi)).all()), (
        f"gaussian_noise left clip=({lo}, {hi}): values in [{out.min().item()}, {out.max().item()}]")
    assert torch.equal(out, free.clamp(lo, hi)), "clipped draw != clamp of the unclipped draw (same generator)"


def test_gaussian_noise_default_clip_is_the_unit_interval(impl, make_generator):
    x = torch.rand(4, 50, dtype=torch.float64)
    out = impl.gaussian_noise(x, 0.5, generator=make_generator(1))  # seed 001: noise_factor = 0.5
    free = impl.gaussian_noise(x, 0.5, clip=None, generator=make_generator(1))
    assert bool(((out >= 0) & (out <= 1)).all()), "the default clip is not (0, 1)"
    assert bool(((free < 0) | (free > 1)).any()), "without clip the noisy values should leave [0, 1]"
    assert torch.equal(out, free.clamp(0.0, 1.0))


def test_gaussian_noise_with_zero_std_is_the_clamped_input(impl, generator):
    x = torch.linspace(-0.5, 1.5, 21, dtype=torch.float64)
    assert torch.equal(impl.gaussian_noise(x, 0.0, generator=generator), x.clamp(0.0, 1.0))
    assert torch.equal(impl.gaussian_noise(x, 0.0, clip=None, generator=generator), x)


@pytest.mark.tier("validation")
@pytest.mark.parametrize("std", [-0.5, float("nan"), float("inf")])
def test_gaussian_noise_rejects_bad_std(impl, std):
    with pytest.raises(ValueError, match="std"):
        impl.gaussian_noise(torch.ones(3), std)


@pytest.mark.tier("validation")
@pytest.mark.parametrize("std", [None, "0.5", True, False, 0.5j, [0.5]], ids=repr)
def test_gaussian_noise_rejects_a_std_that_is_not_a_real_number(impl, std):
    # float(True) = 1.0 would silently add unit noise; None and "a" must not escape as TypeError.
    with pytest.raises(ValueError, match="std"):
        impl.gaussian_noise(torch.ones(3), std)


@pytest.mark.tier("validation")
@pytest.mark.parametrize("clip", [(None, 1.0), (0.0, "1"), (False, True), (0.0, 1.0, 2.0), 1.0], ids=repr)
def test_gaussian_noise_rejects_a_clip_that_is_not_a_pair_of_real_numbers(impl, clip):
    with pytest.raises(ValueError, match="clip"):
        impl.gaussian_noise(torch.ones(3), 0.5, clip=clip)


@pytest.mark.tier("validation")
def test_gaussian_noise_rejects_an_empty_clip_interval(impl):
    with pytest.raises(ValueError, match="clip"):
        impl.gaussian_noise(torch.ones(3), 0.5, clip=(1.0, 0.0))


@pytest.mark.tier("numerics")
def test_gaussian_noise_on_device_matches_cpu(impl, device, make_generator):
    # The generator stays on the CPU; the result lives on x's device and equals the CPU result.
    x = torch.rand(4, 9, dtype=torch.float64, generator=make_generator(3))
    on_cpu = impl.gaussian_noise(x, 0.5, generator=make_generator(4))
    on_device = impl.gaussian_noise(x.to(device), 0.5, generator=make_generator(4))
    assert on_device.device.type == device.type and on_device.dtype == x.dtype
    assert torch.equal(on_device.cpu(), on_cpu)


@pytest.mark.tier("validation")
@pytest.mark.parametrize("generator", NOT_GENERATORS)
def test_gaussian_noise_rejects_a_generator_that_is_not_a_torch_generator(impl, generator):
    with pytest.raises(TypeError, match=r"\bgenerator\b"):
        impl.gaussian_noise(torch.ones(3), 0.5, generator=generator)
