r"""Properties of ``interleaved_mask``: the even/odd partition NICE alternates between its couplings.

    interleaved_mask(dim)[i] = (i % 2 == 0),   interleaved_mask(dim, odd=True)[i] = (i % 2 == 1)

checked against masks written out here: True on the even indices (the seed's first part, x1) by
default, on the odd ones with ``odd=True``.

References: seed 003_2bb67353180af150.txt, section NICE 模型 (the interleaved partition).
"""

from __future__ import annotations

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st


pytestmark = [pytest.mark.area("flows"), pytest.mark.tier("law")]

@given(dim=st.integers(2, 12))
def test_interleaved_mask_is_true_on_even_indices_by_default_and_on_odd_ones_when_asked(impl, dim):
    """Seed 003 (实验 / 模型细节): "下标为偶数的作为第一部分" -- the even indices are x1, the side
    that passes through; ``odd=True`` is the other half of the alternation."""
    even = torch.tensor([i % 2 == 0 for i in range(dim)])
    for call, got, expected in (("interleaved_mask(dim)", impl.interleaved_mask(dim), even),
                                ("interleaved_mask(dim, odd=False)", impl.interleaved_mask(dim, odd=False), even),
                                ("interleaved_mask(dim, odd=True)", impl.interleaved_mask(dim, odd=True), ~even)):
        assert got.dtype == torch.bool and got.shape == (dim,), f"{call}: {got.dtype} {tuple(got.shape)}"
        assert torch.equal(got, expected), f"{call} = {got.int().tolist()}, expected {expected.int().tolist()}"


@pytest.mark.tier("validation")
@pytest.mark.parametrize("dim", [1, 0, -2])
def test_interleaved_mask_rejects_a_dim_below_two(impl, dim):
    """With D < 2 one side of the partition is empty and the coupling would be no bijection of
    interest (``AdditiveCoupling`` rejects it): the mask itself refuses, naming dim."""
    with pytest.raises(ValueError, match=r"\bdim\b"):
        impl.interleaved_mask(dim)
