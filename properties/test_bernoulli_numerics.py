r"""Numerics of ``bernoulli_log_prob`` at saturated logits: every finite logit, up to the largest
number of each dtype, for binary and grey-level x (``genspec.domains.EDGES``).

``sum_j x_j log sigmoid(l_j) + (1 - x_j) log(1 - sigmoid(l_j))`` is ``-sum_j x_j softplus(-l_j) +
(1 - x_j) softplus(l_j)``: finite for every finite logit, -inf only where the sum itself overflows.
Through probabilities it is not: float32 ``sigmoid`` rounds to 1 above l = 16.6, and
``F.binary_cross_entropy`` then clamps ``log 0`` at -100, so a confidently wrong pixel costs 100 nats
instead of |l|; ``log(p + 1e-10)`` caps it at 23. Oracle: softplus in mpmath. Reference:
``reference/bernoulli.py``.
"""

from __future__ import annotations

import mpmath
import pytest
import torch
from hypothesis import given, settings, strategies as st

from genspec import domains as dom
from genspec.numerics import assert_numerics, mp_map

pytestmark = [pytest.mark.area("gaussian"), pytest.mark.tier("numerics")]


def softplus(v):
    """``log(1 + exp(v))`` in mpmath."""
    return mpmath.log1p(mpmath.exp(v))


def bernoulli_terms(x, logit):
    """``x log sigmoid(l) + (1 - x) log(1 - sigmoid(l))`` of one pixel, in mpmath."""
    return -(x * softplus(-logit) + (1 - x) * softplus(logit))


@settings(max_examples=8)
@given(data=st.data(), dtype=dom.dtypes("bernoulli_log_prob", "logits"))
def test_bernoulli_log_prob_at_saturated_logits(impl, data, dtype):
    """log p(x | l) for logits up to the dtype's largest number, binary and grey x."""
    shape = (*data.draw(st.lists(st.integers(1, 3), max_size=2)), data.draw(st.integers(1, 5)))
    logits = data.draw(dom.edge_tensors(shape, "bernoulli_log_prob", "logits", dtype, moderate=40.0))
    x = data.draw(dom.pixels(dtype, shape))
    got = impl.bernoulli_log_prob(x, logits)
    truth = mp_map(bernoulli_terms, x, logits).sum(-1)
    assert_numerics(got, truth, kind="edge_reduction", what=f"log p(x | logits) at saturated {dtype} logits")


@pytest.mark.parametrize("dtype", [dom.F32, dom.F64], ids=str)
@pytest.mark.parametrize("logit", [20.0, 30.0, 50.0, 120.0, 1e4])
def test_a_confidently_wrong_pixel_costs_its_logit(impl, dtype, logit):
    """x = 0 at logit l costs softplus(l) ≈ l nats, not a clamp's 100 (or 23 with a 1e-10 guard):
    the log-likelihood is linear in a large logit, and so is its gradient (d/dl = -sigmoid(l) ≈ -1)."""
    logits = torch.tensor([logit, -logit], dtype=dtype, requires_grad=True)
    x = torch.tensor([0.0, 1.0], dtype=dtype)
    got = impl.bernoulli_log_prob(x, logits)
    truth = mp_map(bernoulli_terms, x, logits).sum(-1)
    assert_numerics(got, truth, kind="edge_reduction", what=f"log p(x = (0, 1) | logits = (l, -l)) at l = {logit}")
    (grad,) = torch.autograd.grad(got, (logits,))
    expected = mp_map(lambda xx, v: xx - 1 / (1 + mpmath.exp(-v)), x, logits)  # d/dl = x - sigmoid(l)
    assert_numerics(grad, expected, kind="edge_gradient", what=f"d log p / d logits = x - sigmoid(l) at l = {logit}")
