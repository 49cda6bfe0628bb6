r"""Numerics of ``contractive_penalty`` with a diverging encoder: weights to ±1e20 (float32; ±1e150
float64), where ``sum_i w_ji^2`` overflows on its own (|w| >= 1.8e19), and biases that saturate the
units (``h (1 - h)`` underflows to 0: ``0 · inf = NaN``).

``||J||_F^2 = sum_j (h_j (1 - h_j))^2 sum_i w_ji^2`` is finite wherever it is representable, +inf
where it overflows. Oracle: mpmath, with ``h (1 - h) = sigmoid(z) sigmoid(-z)`` exact.
Reference: ``reference/contractive.py``.
"""

from __future__ import annotations

import mpmath
import pytest
import torch
from hypothesis import given, settings, strategies as st

from genspec import domains as dom
from genspec.numerics import MP_PREC, assert_numerics

pytestmark = [pytest.mark.area("autoencoders"), pytest.mark.tier("numerics")]


def _truth(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    out = []
    with mpmath.workprec(MP_PREC):
        w = [[mpmath.mpf(v) for v in row] for row in weight.double().tolist()]
        b = [mpmath.mpf(v) for v in bias.double().tolist()]
        w2 = [mpmath.fsum(v * v for v in row) for row in w]
        for row in x.double().reshape(-1, x.shape[-1]).tolist():
            total = mpmath.mpf(0)
            for wj, bj, sj in zip(w, b, w2):
                z = mpmath.fsum(a * mpmath.mpf(c) for a, c in zip(wj, row)) + bj
                dh = 1 / ((1 + mpmath.exp(-z)) * (1 + mpmath.exp(z)))
                total += dh * dh * sj
            out.append(float(total))
    return torch.tensor(out, dtype=torch.float64).reshape(x.shape[:-1])


@settings(max_examples=8)
@given(data=st.data(), dtype=st.sampled_from([dom.F32, dom.F64]))
def test_contractive_penalty_with_huge_weights_and_saturated_units(impl, data, dtype):
    d, hidden = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 3))
    weight = data.draw(dom.edge_tensors((hidden, d), "contractive_penalty", "weight", dtype))
    bias = data.draw(dom.edge_tensors((hidden,), "contractive_penalty", "bias", dtype))
    x = data.draw(dom.edge_tensors((data.draw(st.integers(1, 3)), d), "contractive_penalty", "x", dtype))
    if data.draw(st.booleans()):
        x = torch.zeros_like(x)  # z = bias: unsaturated units beside huge weights
    got = impl.contractive_penalty(x, weight, bias)
    assert_numerics(got, _truth(x, weight, bias), kind="edge_reduction",
                    what=f"||d sigmoid(x W^T + b) / dx||_F^2 with |W| up to {float(weight.abs().max()):.3g} ({dtype})")


@pytest.mark.parametrize("dtype, w", [(dom.F32, 2e19), (dom.F32, 1e20), (dom.F64, 1e155)], ids=str)
def test_contractive_penalty_of_weights_whose_square_overflows(impl, dtype, w):
    """x = 0, bias = 0 (h (1 - h) = 1/4) and bias = 200 (saturated): (w / 4)^2 D and ~0, not inf or NaN."""
    weight = torch.full((2, 2), w, dtype=dtype)
    bias = torch.tensor([0.0, 200.0], dtype=dtype)
    x = torch.zeros(1, 2, dtype=dtype)
    assert_numerics(impl.contractive_penalty(x, weight, bias), _truth(x, weight, bias), kind="edge_reduction",
                    what=f"contractive penalty at weights {w:g}")
