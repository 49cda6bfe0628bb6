"""Seed 001's L1 activity penalty: ``l1_activity_penalty(h, weight) = weight · sum_j |h_j|`` per example.

Oracle: the sum written out in float64. Seed 001's coefficient ``10e-5`` is 1e-4.
"""

from __future__ import annotations

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from genspec import strategies as gst
from genspec.checks import assert_close

pytestmark = [pytest.mark.area("autoencoders"), pytest.mark.tier("law")]


@given(data=st.data(), weight=st.floats(min_value=0.0, max_value=10.0))
def test_l1_activity_penalty_is_weight_times_sum_of_abs(impl, data, weight):
    dtype = data.draw(gst.float_dtypes(), label="dtype")
    shape = data.draw(gst.shapes(min_rank=1, max_rank=4, max_side=5), label="shape")
    h = data.draw(gst.tensors(shape, dtype=dtype, min_value=-5, max_value=5), label="h")
    got = impl.l1_activity_penalty(h, weight)
    assert got.shape == h.shape[:-1] and got.dtype == dtype
    expected = weight * h.to(torch.float64).abs().sum(-1)
    assert_close(got, expected, kind="reduction", what="l1_activity_penalty = weight * sum_j |h_j|")


def test_l1_activity_penalty_with_the_seed_coefficient(impl):
    # Seed 001 writes activity_l1(10e-5): 10e-5 == 1e-4. 32 units of mean activity 3.33 (the seed's
    # reported code mean) cost 1e-4 * 32 * 3.33 = 0.0107, the seed's "extra 0.01" of loss.
    h = torch.full((2, 32), 3.33, dtype=torch.float64)
    assert 10e-5 == 1e-4
    assert_close(impl.l1_activity_penalty(h, 10e-5), torch.full((2,), 1e-4 * 32 * 3.33, dtype=torch.float64),
                 kind="elementwise", what="seed 001 L1 penalty at code mean 3.33")


@pytest.mark.tier("validation")
@pytest.mark.parametrize("weight", [-1e-4, float("nan"), float("inf"), None, "1e-4", True], ids=repr)
def test_l1_activity_penalty_rejects_bad_weight(impl, weight):
    with pytest.raises(ValueError, match="weight"):
        impl.l1_activity_penalty(torch.ones(2, 3), weight)



@pytest.mark.tier("validation")
@pytest.mark.parametrize("bad", [float("nan"), float("inf")], ids=repr)
def test_l1_activity_penalty_rejects_a_non_finite_activation(impl, bad):
    """A NaN activation, or an infinite one (``0 · inf = NaN`` at weight 0): ValueError naming h."""
    h = torch.ones(2, 3)
    h[0, 1] = bad
    with pytest.raises(ValueError, match=r"\bh\b"):
        impl.l1_activity_penalty(h, 1e-4)
