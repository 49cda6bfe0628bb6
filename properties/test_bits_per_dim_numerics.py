r"""Numerics of ``bits_per_dim`` at log-likelihoods up to each dtype's largest number and -inf:
``(D ln n_bins - log_likelihood) / (D ln 2)`` is finite wherever it is representable, +inf for a
-inf log-likelihood (a zero density) and where it overflows, never NaN. Oracle: mpmath.
Reference: ``reference/bits_per_dim.py``.
"""

from __future__ import annotations

import math

import mpmath
import pytest
import torch
from hypothesis import given, settings, strategies as st

from genspec import domains as dom
from genspec.numerics import assert_numerics, mp_map

pytestmark = [pytest.mark.area("flows"), pytest.mark.tier("numerics")]


@settings(max_examples=8)
@given(data=st.data(), dtype=st.sampled_from([dom.F32, dom.F64]), num_dims=st.sampled_from([1, 3, 784]))
def test_bits_per_dim_at_extreme_log_likelihoods(impl, data, dtype, num_dims):
    ll = data.draw(dom.edge_tensors((data.draw(st.integers(1, 4)),), "bits_per_dim", "log_likelihood", dtype))
    ll[0] = -math.inf if data.draw(st.booleans()) else ll[0]
    got = impl.bits_per_dim(ll, num_dims)
    truth = mp_map(lambda v: (num_dims * mpmath.log(256) - v) / (num_dims * mpmath.log(2)), ll)
    assert_numerics(got, truth, kind="edge_elementwise", scale=truth.abs().nan_to_num(posinf=0.0),
                    what=f"bits per dim of log-likelihoods up to the {dtype} edge, D = {num_dims}")


@pytest.mark.parametrize("dtype", [dom.F32, dom.F64], ids=str)
def test_bits_per_dim_at_the_largest_counts(impl, dtype):
    """A count is any int up to the largest int64, 2**63 - 1: bits_per_dim is arithmetic on D and
    n_bins, not an allocation of D entries, so D = n_bins = 2**63 - 1 gives the law's value."""
    largest = 2**63 - 1
    ll = torch.tensor([-1e30, -5.0, 0.0, 1e30], dtype=dtype)
    for num_dims, n_bins in ((largest, 256), (784, largest), (largest, largest)):
        got = impl.bits_per_dim(ll, num_dims, n_bins=n_bins)
        truth = mp_map(lambda v, d=num_dims, n=n_bins: (d * mpmath.log(n) - v) / (d * mpmath.log(2)), ll)
        assert_numerics(got, truth, kind="edge_elementwise", scale=truth.abs(),
                        what=f"bits per dim at D = {num_dims}, n_bins = {n_bins} ({dtype})")
