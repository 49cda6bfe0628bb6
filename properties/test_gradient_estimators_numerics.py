r"""Numerics of ``score_function_gradient`` and ``reparameterization_gradient`` with the encoder's
log-variance at its edges (±200 float32, ±1600 float64) and the noise at 0, ±1 and ±8.6.

The score-function terms are ``f(z) eps / sigma`` and ``f(z) (eps^2 - 1) / 2``: at logvar = -200
(float32) ``1 / sigma = exp(100)`` overflows, and ``f(z) eps exp(-logvar / 2)`` is ``0 · inf = NaN``
at eps = 0, where the true term is 0. The oracle takes the values f returned (recorded by the test's
f) and multiplies in mpmath, so it judges the estimator's own arithmetic; the pathwise terms of
``f(z) = sum z`` are ``1`` and ``sigma eps / 2``. Reference: ``reference/gradient_estimators.py``.
"""

from __future__ import annotations

import mpmath
import pytest
import torch
from hypothesis import given, settings, strategies as st

from genspec import domains as dom
from genspec.numerics import assert_numerics, mp_map

pytestmark = [pytest.mark.area("gaussian"), pytest.mark.tier("numerics")]


@st.composite
def estimator_args(draw, function: str):
    dtype = draw(st.sampled_from([dom.F32, dom.F64]))
    shape = (*draw(st.lists(st.integers(1, 2), max_size=1)), draw(st.integers(1, 3)))
    draws = draw(st.integers(1, 3))
    mu = draw(dom.edge_tensors(shape, function if function == "score_function_gradient" else "reparameterize", "mu",
                               dtype))
    logvar = draw(dom.edge_tensors(shape, function, "logvar", dtype))
    eps = draw(dom.edge_tensors((draws, *shape), "reparameterize", "eps", dtype))
    return dtype, mu, logvar, eps


class Recorder:
    """``f(z) = z_1``, remembering the values it returned. (Not the sum over k: where two draws
    overflow to +inf and -inf the sum is NaN, and an estimator may rightly refuse an f that returns
    NaN; one coordinate is inf at worst.)"""

    def __call__(self, z: torch.Tensor) -> torch.Tensor:
        self.value = z[..., 0].clone()
        return self.value


def _score_mu(v, lv, e):
    return mpmath.mpf(0) if e == 0 else v * e * mpmath.exp(-lv / 2)


def _score_logvar(v, e):
    return mpmath.mpf(0) if e * e == 1 else v * (e * e - 1) / 2


@settings(max_examples=8)
@given(case=estimator_args("score_function_gradient"))
def test_score_function_terms_at_the_edges(impl, case):
    """f(z) eps / sigma and f(z) (eps^2 - 1) / 2 per draw, exactly 0 where the score is 0."""
    dtype, mu, logvar, eps = case
    f = Recorder()
    g_mu, g_logvar = impl.score_function_gradient(f, mu, logvar, eps=eps, reduction="none")
    value = f.value.unsqueeze(-1)
    assert_numerics(g_mu, mp_map(_score_mu, value, logvar, eps), kind="edge_elementwise",
                    what=f"score-function d/dmu term f(z) eps exp(-logvar / 2) ({dtype})")
    size = mp_map(lambda v, e: abs(v) * (e * e + 1) / 2, value, eps)  # eps^2 - 1 cancels near |eps| = 1
    assert_numerics(g_logvar, mp_map(_score_logvar, value, eps), kind="edge_elementwise", scale=size,
                    what=f"score-function d/dlogvar term f(z) (eps^2 - 1) / 2 ({dtype})")


@pytest.mark.parametrize("dtype, logvar", [(dom.F32, -200.0), (dom.F64, -1600.0)], ids=str)
def test_score_function_at_a_vanishing_variance_and_zero_noise(impl, dtype, logvar):
    """The review's case: logvar = -200 (float32), -1600 (float64), eps = 0 gives the terms 0, not NaN."""
    mu, lv = torch.zeros(1, dtype=dtype), torch.full((1,), logvar, dtype=dtype)
    g_mu, g_logvar = impl.score_function_gradient(lambda z: z.sum(-1) + 1, mu, lv, eps=torch.zeros(1, 1, dtype=dtype))
    assert g_mu.tolist() == [0.0] and g_logvar.tolist() == [-0.5], (g_mu.tolist(), g_logvar.tolist())


@settings(max_examples=8)
@given(case=estimator_args("reparameterization_gradient"))
def test_reparameterization_terms_at_the_edges(impl, case):
    """For f(z) = sum z: d/dmu = 1 and d/dlogvar = exp(logvar / 2) eps / 2 per draw."""
    dtype, mu, logvar, eps = case
    if dtype == dom.F64:  # beyond |logvar| = 1400 exp(logvar / 2) eps / 2 is formed as twice itself
        logvar = logvar.clamp(-1400.0, 1400.0)
    g_mu, g_logvar = impl.reparameterization_gradient(lambda z: z.sum(-1), mu, logvar, eps=eps, reduction="none")
    assert_numerics(g_mu, torch.ones(eps.shape, dtype=torch.float64), kind="edge_gradient", what="pathwise d/dmu = 1")
    assert_numerics(g_logvar, mp_map(lambda lv, e: mpmath.exp(lv / 2) * e / 2, logvar, eps), kind="edge_gradient",
                    what=f"pathwise d/dlogvar = exp(logvar / 2) eps / 2 ({dtype})")
