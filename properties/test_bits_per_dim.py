r"""Properties of ``bits_per_dim`` and of uniform ``dequantize``.

    y = dequantize(k) = (k + u) / n_bins,   u ~ U[0, 1)         floor(n_bins * y) = k, y in [0, 1)
    bits_per_dim(ll, D) = (D ln n_bins - ll) / (D ln 2)

Independent computations: (1) the code length in bits of the density expressed on the original
scale [0, n_bins)^D, -log2 p'(n_bins y) / D with p'(y') = p(y) / n_bins^D; (2) the piecewise-constant
(histogram) density of a factorised categorical distribution P over levels,
p(y) = prod_d P_d(floor(n_bins y_d)) n_bins, for which the dequantized bound is tight, so
bits_per_dim(log p(dequantize(k))) = -log2 P(k) / D exactly; (3) a uniform density on [0, 1)^D is
log2(n_bins) = 8 bits per dim for 8-bit data.

References: Theis, van den Oord, Bethge, arXiv:1511.01844, §3.1; Dinh et al., arXiv:1410.8516,
§5.1; seed 003_2bb67353180af150.txt, section 实验 (pixel values 0~1).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from genspec import strategies as gst
from genspec.bad_inputs import NOT_NUMBERS
from genspec.checks import assert_close
from genspec.oracles.jacobian import jacobian_logdet
from genspec.oracles.layers import F64, randomize_

pytestmark = [pytest.mark.area("flows"), pytest.mark.tier("law")]

N_BINS = st.sampled_from([2, 16, 256, 1024])


@given(ll=st.floats(-1e4, 1e4), dim=st.integers(1, 3072), n_bins=N_BINS)
def test_bits_per_dim_is_the_code_length_on_the_original_scale(impl, ll, dim, n_bins):
    # density on [0, n_bins)^D: log p'(y') = ll - D ln(n_bins); bits = -log2 p' / D
    expected = -(np.float64(ll) - dim * np.log(np.float64(n_bins))) / np.log(2.0) / dim
    got = impl.bits_per_dim(torch.tensor(ll, dtype=F64), dim, n_bins=n_bins)
    assert_close(got, torch.tensor(expected), kind="elementwise", what="bits per dim, float64")


@pytest.mark.tier("validation")
@given(ll=st.floats(-1e4, 1e4), dim=st.integers(1, 3072))
def test_bits_per_dim_takes_a_python_float(impl, ll, dim):
    """A log-likelihood summed to a Python float (``loss.item()``) is a log-likelihood: the same bits as
    the 0-d float64 tensor."""
    got = impl.bits_per_dim(ll, dim)
    want = impl.bits_per_dim(torch.tensor(ll, dtype=F64), dim)
    assert_close(torch.as_tensor(got, dtype=F64), want, kind="elementwise", what=f"bits_per_dim({ll!r}, {dim})")


@given(data=st.data())
def test_bits_per_dim_keeps_shape_and_dtype(impl, data):
    dtype = data.draw(gst.float_dtypes())
    shape = data.draw(gst.batch_shapes(min_rank=0, max_rank=3))
    ll = data.draw(gst.tensors(shape, dtype=dtype, min_value=-3000, max_value=3000))
    got = impl.bits_per_dim(ll, 784)
    assert got.shape == ll.shape and got.dtype == dtype
    assert_close(got, (784 * 8 - ll.to(F64) / math.log(2)) / 784, kind="elementwise", what="bits per dim, batched")


def test_uniform_density_on_the_unit_cube_is_eight_bits_per_dim(impl):
    assert_close(impl.bits_per_dim(torch.zeros(3, dtype=F64), 784), torch.full((3,), 8.0, dtype=F64),
                 kind="elementwise", what="log p = 0 on [0, 1)^D gives log2(256) = 8 bits per dim")


@given(seed=st.integers(0, 2**31), dim=st.integers(1, 12), n_bins=N_BINS)
def test_histogram_density_on_dequantized_data_gives_the_discrete_code_length(impl, seed, dim, n_bins):
    g = torch.Generator().manual_seed(seed)
    probs = torch.softmax(torch.randn(dim, n_bins, generator=g, dtype=F64) * 2, dim=-1)  # P_d(level)
    k = torch.multinomial(probs, 5, replacement=True, generator=g).T  # (5, D) levels
    y = impl.dequantize(k, n_bins=n_bins, generator=g, dtype=F64)
    cell = torch.floor(y * n_bins).long()
    assert torch.equal(cell, k), "floor(n_bins * dequantize(k)) != k"
    log_density = torch.log(probs.gather(1, cell.T).T * n_bins).sum(-1)  # histogram density at y
    discrete_bits = -torch.log2(probs.gather(1, k.T).T).sum(-1) / dim
    assert_close(impl.bits_per_dim(log_density, dim, n_bins=n_bins), discrete_bits, kind="reduction",
                 what="bits per dim of the histogram density = -log2 P(k) / D")


@pytest.mark.parametrize("prior", ["logistic", "gaussian"])
def test_bits_per_dim_of_a_nice_model_matches_its_density_in_pixel_units(impl, prior, generator):
    """NICE on dequantized 8-bit data: bits_per_dim(log_prob(y)) = -log2 p'(v) / D for the same data
    in pixel units v = 256 y, with p'(v) = p(v / 256) |det d(v / 256) / dv| by an autograd slogdet."""
    model = randomize_(impl.NICE(6, couplings=4, hidden=8, depth=2, prior=prior).to(F64), generator)
    k = torch.randint(0, 256, (10, 6), generator=generator)
    y = impl.dequantize(k, generator=generator, dtype=F64)
    pixels = y * 256
    rescale_logdet = jacobian_logdet(lambda v: (v / 256, None), pixels)  # -6 ln 256
    with torch.no_grad():
        log_p_pixels = model.log_prob(pixels / 256) + rescale_logdet
        got = impl.bits_per_dim(model.log_prob(y), 6)
    assert_close(got, -log_p_pixels / math.log(2) / 6, kind="identity",
                 what=f"bits per dim of NICE ({prior}) on dequantized 8-bit data")


@pytest.mark.tier("validation")
def test_bits_per_dim_rejects_bad_arguments(impl):
    for bad in (0, -5, 2.5):
        with pytest.raises(ValueError, match=r"\bnum_dims\b"):
            impl.bits_per_dim(torch.zeros(2), bad)
    with pytest.raises(ValueError, match=r"\bn_bins\b"):
        impl.bits_per_dim(torch.zeros(2), 4, n_bins=1)


@pytest.mark.tier("validation")
@given(shape=gst.batch_shapes(min_rank=0, max_rank=3), data=st.data())
def test_bits_per_dim_rejects_a_nan_log_likelihood(impl, shape, data):
    """A NaN log-likelihood (a tensor with one NaN entry, or a Python float NaN) raises ValueError
    naming log_likelihood, instead of NaN bits per dim; a zero density (-inf) is +inf bits."""
    ll = data.draw(gst.tensors(shape, dtype=data.draw(gst.float_dtypes()), min_value=-3000, max_value=3000))
    ll = ll.clone()
    ll.view(-1)[data.draw(st.integers(0, ll.numel() - 1))] = math.nan
    with pytest.raises(ValueError, match=r"\blog_likelihood\b"):
        impl.bits_per_dim(ll, 784)
    with pytest.raises(ValueError, match=r"\blog_likelihood\b"):
        impl.bits_per_dim(math.nan, 784)
    zero_density = impl.bits_per_dim(torch.tensor(-math.inf, dtype=F64), 784)
    assert float(zero_density) == math.inf, f"a zero density (log_likelihood -inf) gives {zero_density} bits"



@pytest.mark.tier("validation")
@pytest.mark.parametrize("log_likelihood", NOT_NUMBERS + [pytest.param(torch.tensor([True]), id="bool tensor")])
def test_bits_per_dim_rejects_a_log_likelihood_that_is_not_a_number(impl, log_likelihood):
    with pytest.raises(ValueError, match=r"\blog_likelihood\b"):
        impl.bits_per_dim(log_likelihood, 4)
