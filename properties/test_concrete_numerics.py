r"""Numerics of ``concrete_log_prob`` at the edges: logits drifted to ±1e6 (float32) or ±1e12 (float64),
entries of y down to 1e-30 (1e-300), temperatures from 1e-3 to 1e38 (1e300).

The density is invariant to shifting the logits; a form that sums ``logits_k`` and subtracts
``K logsumexp(logits - tau log y)`` is not shift-stable in floating point (float32 logits of 1e6 have
an ulp of 0.06: 0.12 nats off), and ``tau log y`` overflows at tau = 1e38 (NaN from ``inf - inf``).
Oracle: the log-space density in mpmath; its gradients (``d/dlogits_k = 1 - K softmax(a)_k``,
``d/dtau = (K - 1) / tau - sum log y + K sum softmax(a) log y``, ``d/dy_k = (K tau softmax(a)_k -
tau - 1) / y_k``, a = logits - tau log y). Reference: ``reference/concrete.py``.
"""

from __future__ import annotations


import mpmath
import pytest
import torch
from hypothesis import given, settings, strategies as st

from genspec import domains as dom
from genspec.numerics import assert_numerics

pytestmark = [pytest.mark.area("gumbel"), pytest.mark.tier("numerics")]


@st.composite
def points(draw):
    """``(y (B, K) on the simplex, logits (B, K) drifted far from 0, tau)`` in float32 or float64."""
    dtype = draw(st.sampled_from([dom.F32, dom.F64]))
    b, k = draw(st.integers(1, 3)), draw(st.integers(2, 5))
    lo, hi = dom.edge("concrete_log_prob", "logits").bounds[dtype]
    shift = draw(st.sampled_from([0.0, hi, lo, hi / 3]))
    logits = (shift + torch.tensor(draw(st.lists(st.floats(-5, 5), min_size=b * k, max_size=b * k)),
                                   dtype=torch.float64)).reshape(b, k).to(dtype)
    y_lo, _ = dom.edge("concrete_log_prob", "y").bounds[dtype]
    small = draw(st.lists(st.sampled_from([y_lo, 1e-20, 1e-8, 1e-3, 0.1, 0.3]), min_size=b * k, max_size=b * k))
    y = torch.tensor(small, dtype=torch.float64).reshape(b, k)
    y[:, -1] = 0.0
    y[:, -1] = 1.0 - y.sum(-1)  # the rest on the last entry
    y = (y / y.sum(-1, keepdim=True)).to(dtype)
    t_lo, t_hi = dom.edge("concrete_log_prob", "tau").bounds[dtype]
    tau = draw(st.sampled_from([t_lo, 0.1, 0.5, 1.0, 3.0, 1e4, 1e20, t_hi]))
    return y, logits, tau


def _truth(y: torch.Tensor, logits: torch.Tensor, tau: float):
    """``(log p, size of its terms, d/dlogits, d/dtau, d/dy)`` per row, in mpmath."""
    out = {key: [] for key in ("lp", "size", "dl", "dt", "dy", "dl_size")}
    with mpmath.workprec(1400):  # tau log y to 1e303, resolved down to logit differences of 1e-6
        t = mpmath.mpf(tau)
        for yr, lr in zip(y.double().tolist(), logits.double().tolist()):
            k = len(yr)
            ly = [mpmath.log(mpmath.mpf(v)) for v in yr]
            a = [mpmath.mpf(li) - t * l for li, l in zip(lr, ly)]
            top = max(a)
            lse = top + mpmath.log(mpmath.fsum(mpmath.exp(x - top) for x in a))
            sm = [mpmath.exp(x - lse) for x in a]
            lp = mpmath.loggamma(k) + (k - 1) * mpmath.log(t) + mpmath.fsum(x - lse for x in a) - mpmath.fsum(ly)
            out["lp"].append(float(lp))
            out["size"].append(float(mpmath.loggamma(k) + (k - 1) * abs(mpmath.log(t))
                                     + mpmath.fsum(abs(x - lse) for x in a) + mpmath.fsum(abs(v) for v in ly)))
            out["dl"].append([float(1 - k * s) for s in sm])
            shifted = [x - max(lr) - t * max(ly) for x in a]  # the logits' and log y's gaps, <= tau |log y| + 2e12
            big = max(abs(x) for x in shifted)  # s_k carries a relative error of u (|a_k| + max |a|)
            out["dl_size"].append([float(k + k * s * (abs(x) + big)) for s, x in zip(sm, shifted)])
            out["dt"].append(float((k - 1) / t - mpmath.fsum(ly) + k * mpmath.fsum(s * l for s, l in zip(sm, ly))))
            out["dy"].append([float((k * t * s - t - 1) / mpmath.mpf(v)) for s, v in zip(sm, yr)])
    return {key: torch.tensor(v, dtype=torch.float64) for key, v in out.items()}


@settings(max_examples=8)
@given(case=points())
def test_log_density_with_drifted_logits_tiny_entries_and_huge_tau(impl, case):
    y, logits, tau = case
    got = impl.concrete_log_prob(y, logits, tau)
    truth = _truth(y, logits, tau)
    assert_numerics(got, truth["lp"], kind="edge_log_density", scale=truth["size"],
                    what=f"log Concrete density, logits near {float(logits.mean()):.3g}, tau = {tau:.3g} ({y.dtype})")


@pytest.mark.parametrize("dtype, tau", [(dom.F32, 1e38), (dom.F64, 1e300), (dom.F32, 3e37)], ids=str)
def test_huge_tau_gives_a_number_or_neg_inf_never_nan(impl, dtype, tau):
    """tau log y overflows at tau = 1e38 (float32): the density is then finite (y near the centre) or
    underflows (-inf); it is never NaN."""
    y = torch.tensor([[0.3, 0.3, 0.4], [1 / 3, 1 / 3, 1 / 3], [0.5, 0.25, 0.25]], dtype=dtype)
    logits = torch.tensor([[0.5, -1.0, 2.0]], dtype=dtype)
    got = impl.concrete_log_prob(y, logits, tau)
    assert_numerics(got, _truth(y, logits.expand_as(y), tau)["lp"], kind="edge_log_density",
                    scale=_truth(y, logits.expand_as(y), tau)["size"], what=f"log Concrete density at tau = {tau:g}")


@settings(max_examples=6)
@given(case=points())
def test_gradients_with_drifted_logits_and_tiny_entries(impl, case):
    """d/dlogits, d/dtau and d/dy of the log density at the edges (rows whose density is finite)."""
    y, logits, tau = case
    leaves = [y.clone().requires_grad_(True), logits.clone().requires_grad_(True),
              torch.tensor(tau, dtype=y.dtype, requires_grad=True)]
    log_p = impl.concrete_log_prob(*leaves)
    truth = _truth(y, logits, tau)
    finite = truth["lp"].abs() < float(torch.finfo(y.dtype).max) / 2  # rows whose density is a number
    if not bool(finite.any()):
        return
    g_y, g_l, g_t = torch.autograd.grad(log_p[finite].sum(), leaves)
    assert_numerics(g_l[finite], truth["dl"][finite], kind="edge_log_density", scale=truth["dl_size"][finite],
                    what="d log p / d logits")
    k = y.shape[-1]  # d/dy_k = (K tau s_k - tau - 1) / y_k: terms of size (tau + 1 + K tau) / y_k cancel
    assert_numerics(g_y[finite], truth["dy"][finite], kind="edge_log_density",
                    scale=(tau + 1 + k * tau) / y.double()[finite], what="d log p / d y")
    size = float((y.shape[-1] - 1) / tau + 2 * y.shape[-1] * (-torch.log(y.double()[finite])).sum())
    assert_numerics(g_t, truth["dt"][finite].sum(), kind="edge_log_density", scale=size, what="d log p / d tau")
