r"""Numerics of ``iwae_bound`` with log weights at the edges: -1e30 (float32) and -1e300 (float64),
-inf entries (a zero weight) and whole columns of -inf (an example no sample can explain).

``L_k = logsumexp_i(w_i) - log k`` is finite wherever one weight of the column is, -inf where all
are. A max-shifted log-mean-exp ``m + log(mean(exp(w - m)))`` is NaN on an all -inf column
(``-inf - (-inf)``); ``log(mean(exp(w)))`` underflows to -inf at w = -1e4. Oracle: mpmath. Reference:
``reference/iwae.py``.
"""

from __future__ import annotations

import math

import mpmath
import pytest
import torch
from hypothesis import given, settings

from genspec import domains as dom
from genspec.numerics import assert_numerics

pytestmark = [pytest.mark.area("gaussian"), pytest.mark.tier("numerics")]


def _truth(log_weights: torch.Tensor) -> torch.Tensor:
    k = log_weights.shape[0]
    cols = log_weights.reshape(k, -1).T.double().tolist()
    out = []
    with mpmath.workprec(200):
        for col in cols:
            finite = [mpmath.mpf(v) for v in col if v != -math.inf]
            if not finite:
                out.append(-math.inf)
                continue
            # The max taken out in mpmath too: log(exp(1e-281)) at 200 bits would round to 0.
            m = max(finite)
            out.append(float(m + mpmath.log(mpmath.fsum(mpmath.exp(v - m) for v in finite)) - mpmath.log(k)))
    return torch.tensor(out, dtype=torch.float64).reshape(log_weights.shape[1:])


@settings(max_examples=8)
@given(log_weights=dom.dtypes("iwae_bound", "log_weights").flatmap(dom.iwae_log_weights))
def test_iwae_bound_with_neg_inf_entries_and_columns(impl, log_weights):
    got = impl.iwae_bound(log_weights)
    # The terms summed are the weights and log k: a correct logsumexp(w) - log k is off by a few
    # ulps of log k even where the weights are tiny (then L is tiny and the ulps of log k are not).
    finite = log_weights.masked_fill(torch.isinf(log_weights), 0.0).abs().amax(0) + math.log(log_weights.shape[0])
    assert_numerics(got, _truth(log_weights), kind="edge_reduction", scale=finite,
                    what=f"L_k = logsumexp(w) - log k with -inf weights ({log_weights.dtype})")


@pytest.mark.parametrize("dtype", [dom.F32, dom.F64], ids=str)
def test_an_all_neg_inf_column_gives_neg_inf_beside_finite_ones(impl, dtype):
    """Column 0 has no finite weight (L = -inf), column 1 one (L = w - log 3), column 2 tiny ones."""
    tiny = -1e30 if dtype == dom.F32 else -1e300
    w = torch.tensor([[-math.inf, -math.inf, tiny], [-math.inf, -5.0, tiny], [-math.inf, -math.inf, tiny]], dtype=dtype)
    got = impl.iwae_bound(w)
    assert_numerics(got, _truth(w), kind="edge_reduction",
                    what="iwae_bound of columns (all -inf, one finite, all tiny)")
