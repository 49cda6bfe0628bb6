r"""Properties of ``dequantize``: uniform dequantization of integer levels (seed 003, section NICE).

    dequantize(x) = (x + u) / n_bins,   u ~ U[0, 1),   x in {0, ..., n_bins - 1}

Each result stays in its level's cell [x / n_bins, (x + 1) / n_bins), also in float32; the noise is
reproducible from the generator. The law of the noise is in ``statistical/test_dequantize.py``.

References: seed 003_2bb67353180af150.txt, section NICE 模型 (加性噪声); Theis et al., arXiv:1511.01844, §3.1.
"""

from __future__ import annotations


import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from genspec import strategies as gst
from genspec.bad_inputs import NOT_GENERATORS
from genspec.oracles.layers import F64

pytestmark = [pytest.mark.area("flows"), pytest.mark.tier("law")]

N_BINS = st.sampled_from([2, 16, 256, 1024])

@given(seed=st.integers(0, 2**31), n_bins=N_BINS, shape=gst.batch_shapes(min_rank=0, max_rank=3))
def test_dequantize_stays_in_the_cell_of_each_level(impl, seed, n_bins, shape):
    g = torch.Generator().manual_seed(seed)
    k = torch.randint(0, n_bins, shape, generator=g)
    for dtype in (torch.float32, F64):
        y = impl.dequantize(k, n_bins=n_bins, generator=g, dtype=dtype)
        assert y.shape == k.shape and y.dtype == dtype
        assert bool(((y >= 0) & (y < 1)).all()), "dequantized values leave [0, 1)"
        assert torch.equal(torch.floor(y * n_bins).long(), k), "dequantized values leave their cell"
    y = impl.dequantize(k.to(torch.float32), n_bins=n_bins, generator=g)
    assert y.dtype == torch.float32, "a float input keeps its dtype"


@pytest.mark.tier("numerics")
def test_dequantize_float32_never_rounds_into_the_next_cell(impl, generator):
    """(255 + u) / 256 rounds to 1.0 in float32 for u > 1 - 2^-17: ~8 of 2^20 draws."""
    k = torch.full((2**20,), 255)
    y = impl.dequantize(k, generator=generator, dtype=torch.float32)
    assert float(y.max()) < 1.0 and torch.equal(torch.floor(y * 256).long(), k)


def test_dequantize_is_reproducible_and_random(impl):
    k = torch.arange(256).repeat(4)
    a = impl.dequantize(k, generator=torch.Generator().manual_seed(1))
    b = impl.dequantize(k, generator=torch.Generator().manual_seed(1))
    c = impl.dequantize(k, generator=torch.Generator().manual_seed(2))
    assert torch.equal(a, b) and not torch.equal(a, c)
    assert len(torch.unique(a * 256 - k)) > 1000, "the noise is not drawn independently per entry"


@pytest.mark.tier("validation")
def test_dequantize_rejects_bad_arguments(impl):
    with pytest.raises(ValueError, match=r"\bn_bins\b"):
        impl.dequantize(torch.zeros(3, dtype=torch.int64), n_bins=1)
    for bad in (torch.tensor([0, 256]), torch.tensor([-1, 3]), torch.tensor([0.5, 2.0])):
        with pytest.raises(ValueError, match=r"\bx\b"):
            impl.dequantize(bad)



@pytest.mark.tier("validation")
@pytest.mark.parametrize("generator", NOT_GENERATORS)
def test_dequantize_rejects_a_generator_that_is_not_a_torch_generator(impl, generator):
    with pytest.raises(TypeError, match=r"\bgenerator\b"):
        impl.dequantize(torch.tensor([0, 3, 255]), generator=generator)


@pytest.mark.tier("validation")
def test_dequantize_rejects_a_dtype_that_is_not_a_floating_torch_dtype(impl):
    with pytest.raises(TypeError, match=r"\bdtype\b"):
        impl.dequantize(torch.tensor([0, 3, 255]), dtype="float32")
    with pytest.raises(ValueError, match=r"\bdtype\b"):
        impl.dequantize(torch.tensor([0, 3, 255]), dtype=torch.int64)
