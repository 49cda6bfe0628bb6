r"""Numerics of the sparsity penalties at the edges: mean activations of dead and saturated sigmoid
units (rho_hat = 1e-30, 1 - 2^-24, and 0 or 1 exactly), targets rho from 0.5 down to 1e-6; L1 penalties
of codes near the dtype's largest number.

``KL(rho || rho_hat) = rho log(rho / rho_hat) + (1 - rho) log((1 - rho) / (1 - rho_hat))`` is finite
for rho_hat in (0, 1) and +inf at its ends; computed through ``u = (rho_hat - rho) / rho`` alone it is
+inf at rho_hat = 1e-30 (float32 u rounds to -1, ``log1p(-1) = -inf``). ``weight * sum |h|`` is NaN at
weight 0 where the sum overflows. Oracles: mpmath. Reference: ``reference/sparse.py``.
"""

from __future__ import annotations

import math

import mpmath
import pytest
import torch
from hypothesis import given, settings, strategies as st

from genspec import domains as dom
from genspec.numerics import assert_numerics, mp_map

pytestmark = [pytest.mark.area("autoencoders"), pytest.mark.tier("numerics")]


def _kl(r, q):
    if q == 0 or q == 1:
        return mpmath.inf
    return r * mpmath.log(r / q) + (1 - r) * mpmath.log((1 - r) / (1 - q))


def _kl_size(r, q):
    if q == 0 or q == 1:
        return mpmath.mpf(0)
    return abs(r * mpmath.log(r / q)) + abs((1 - r) * mpmath.log((1 - r) / (1 - q)))


@settings(max_examples=8)
@given(data=st.data(), dtype=st.sampled_from([dom.F32, dom.F64]))
def test_sparse_kl_of_dead_and_saturated_units(impl, data, dtype):
    lo, hi = dom.edge("sparse_kl", "rho").bounds[dtype]
    rho = float(torch.tensor(data.draw(st.sampled_from([lo, 1e-3, 0.05, 0.2, hi])), dtype=dtype))
    n = data.draw(st.integers(1, 5))
    one_below = float(torch.nextafter(torch.tensor(1.0, dtype=dtype), torch.tensor(0.0, dtype=dtype)))
    pool = [0.0, 1.0, 1e-30 if dtype == dom.F32 else 1e-300, 1e-8, rho, 0.5, 1 - 1e-6, one_below]
    rho_hat = torch.tensor(data.draw(st.lists(st.sampled_from(pool), min_size=n, max_size=n)), dtype=torch.float64)
    rho_hat = rho_hat.to(dtype)
    got = impl.sparse_kl(rho, rho_hat)
    rho_t = torch.tensor(rho, dtype=torch.float64)
    truth = mp_map(_kl, rho_t, rho_hat).sum(-1)
    assert_numerics(got, truth, kind="edge_reduction", scale=mp_map(_kl_size, rho_t, rho_hat).sum(-1),
                    what=f"sum_j KL(Bernoulli({rho:g}) || Bernoulli(rho_hat_j)) at dead and saturated units ({dtype})")


@pytest.mark.parametrize("dtype", [dom.F32, dom.F64], ids=str)
def test_sparse_kl_of_a_dead_unit_is_finite(impl, dtype):
    """rho = 0.25 against rho_hat = 1e-30: 0.25 log(0.25 / 1e-30) + 0.75 log(0.75) = 16.707, not +inf."""
    rho_hat = torch.tensor([1e-30], dtype=dtype)
    got = impl.sparse_kl(0.25, rho_hat)
    assert_numerics(got, mp_map(lambda q: _kl(mpmath.mpf(0.25), q), rho_hat).sum(-1), kind="edge_reduction",
                    what="KL(0.25 || 1e-30), a dead sigmoid unit")


@settings(max_examples=6)
@given(data=st.data(), dtype=st.sampled_from([dom.F32, dom.F64]), weight=st.sampled_from([0.0, 1e-4, 0.5, 2.0]))
def test_l1_penalty_of_huge_codes(impl, data, dtype, weight):
    h = data.draw(dom.edge_tensors((data.draw(st.integers(1, 3)), data.draw(st.integers(1, 4))),
                                   "l1_activity_penalty", "h", dtype))
    got = impl.l1_activity_penalty(h, weight)
    truth = mp_map(lambda v: mpmath.mpf(weight) * abs(v), h).sum(-1)
    assert_numerics(got, truth, kind="edge_reduction", what=f"{weight} * sum |h| with |h| up to the {dtype} edge")
    assert math.isfinite(float(impl.l1_activity_penalty(torch.full((2,), float(torch.finfo(dtype).max), dtype=dtype),
                                                        0.0))), "a zero weight times an overflowing sum is NaN"
