r"""Numerics of ``LinearGaussian`` (probabilistic PCA) on uncentred data and far points: a bias and
data of 1e30 (float32) or 1e300 (float64), residuals x - bias whose square overflows.

``log p(x) = -1/2 (D log 2 pi + log det C + r^T C^-1 r)``, r = x - bias, C = W W^T + s I. Written
through Woodbury as ``(|r|^2 - r^T W M^-1 W^T r) / s`` it is ``inf - inf = NaN`` once |r|^2 overflows
(float32 |r| > 1.8e19) and loses every digit to cancellation before that; the true value is -inf
there, or finite. Oracles: the D x D Gaussian in mpmath (``mpmath.lu_solve``, ``mpmath.det``).
Reference: ``reference/linear_gaussian.py``.
"""

from __future__ import annotations


import mpmath
import pytest
import torch
from hypothesis import given, settings, strategies as st

from genspec import domains as dom
from genspec import strategies as gst
from genspec.numerics import MP_PREC, assert_numerics

pytestmark = [pytest.mark.area("gaussian"), pytest.mark.tier("numerics")]


@st.composite
def models(draw):
    """``(dtype, weight (D, K), bias (D,), noise_var, x (B, D))`` with bias and x - bias at the edges."""
    dtype = draw(st.sampled_from([dom.F32, dom.F64]))
    d = draw(st.integers(1, 4))
    k = draw(st.integers(1, min(d, 3)))
    weight = draw(gst.tensors((d, k), dtype=dtype, min_value=-3.0, max_value=3.0))
    noise = draw(st.sampled_from([0.1, 0.5, 1.0, 10.0]))
    bias = draw(dom.edge_tensors((d,), "LinearGaussian", "bias, x", dtype))
    b = draw(st.integers(1, 3))
    r = draw(dom.edge_tensors((b, d), "LinearGaussian", "bias, x", dtype))
    if draw(st.booleans()):  # residuals of ordinary size next to a large offset
        r = r.clamp(-10.0, 10.0)
    x = (bias.double() + r.double()).clamp(-1e30 if dtype == dom.F32 else -1e300, 1e30 if dtype == dom.F32 else 1e300)
    return dtype, weight, bias, noise, x.to(dtype)


def _mp(t: torch.Tensor) -> mpmath.matrix:
    rows = t.double().reshape(t.shape[0], -1).tolist()
    return mpmath.matrix([[mpmath.mpf(v) for v in row] for row in rows])


def log_marginal_truth(weight, bias, noise, x):
    """log N(x; bias, W W^T + s I) per row, and the size of its terms, in mpmath."""
    out, size = [], []
    with mpmath.workprec(MP_PREC):
        w, d = _mp(weight), weight.shape[0]
        c = w * w.T + mpmath.mpf(noise) * mpmath.eye(d)
        logdet = mpmath.log(mpmath.det(c))
        for row in x.double().tolist():
            r = mpmath.matrix([mpmath.mpf(v) - mpmath.mpf(b) for v, b in zip(row, bias.double().tolist())])
            quad = (r.T * mpmath.lu_solve(c, r))[0]
            out.append(float(-(d * mpmath.log(2 * mpmath.pi) + logdet + quad) / 2))
            size.append(float((d * mpmath.log(2 * mpmath.pi) + abs(logdet) + quad) / 2))
    return torch.tensor(out, dtype=torch.float64), torch.tensor(size, dtype=torch.float64)


@settings(max_examples=8)
@given(model=models())
def test_log_marginal_of_uncentred_and_far_points(impl, model):
    dtype, weight, bias, noise, x = model
    got = impl.LinearGaussian(weight, bias, noise).log_marginal(x)
    truth, size = log_marginal_truth(weight, bias, noise, x)
    assert_numerics(got, truth, kind="edge_linear_algebra", scale=size,
                    what=f"log p(x) = log N(x; b, W W^T + s I) with |b|, |x - b| up to the {dtype} edges")


@settings(max_examples=8)
@given(model=models(), data=st.data())
def test_elbo_and_log_joint_of_far_points(impl, model, data):
    """ELBO(q) = E_q log p(x | z) - KL(q || N(0, I)) and log p(x, z) with x - b at the edges."""
    dtype, weight, bias, noise, x = model
    k = weight.shape[1]
    mu = data.draw(dom.edge_tensors((x.shape[0], k), "LinearGaussian", "bias, x", dtype))
    logvar = data.draw(dom.edge_tensors((x.shape[0], k), "kl_normal_std", "logvar", dtype))
    lg = impl.LinearGaussian(weight, bias, noise)
    elbo, joint = lg.elbo(x, mu, logvar), lg.log_joint(x, mu)
    d = weight.shape[0]
    e_out, e_size, j_out, j_size = [], [], [], []
    with mpmath.workprec(MP_PREC):
        w, s = _mp(weight), mpmath.mpf(noise)
        col2 = [sum(w[i, j] ** 2 for i in range(d)) for j in range(k)]
        for row, m_row, lv_row in zip(x.double().tolist(), mu.double().tolist(), logvar.double().tolist()):
            m = [mpmath.mpf(v) for v in m_row]
            lv = [mpmath.mpf(v) for v in lv_row]
            res2 = sum((mpmath.mpf(row[i]) - mpmath.mpf(float(bias[i])) - sum(w[i, j] * m[j] for j in range(k))) ** 2
                       for i in range(d))
            spread = sum(col2[j] * mpmath.exp(lv[j]) for j in range(k))
            const = d * mpmath.log(2 * mpmath.pi * s)
            kl = sum((mpmath.expm1(lv[j]) - lv[j] + m[j] ** 2) / 2 for j in range(k))
            kl_size = sum((abs(mpmath.expm1(lv[j])) + abs(lv[j]) + m[j] ** 2) / 2 for j in range(k))
            prior = (k * mpmath.log(2 * mpmath.pi) + sum(v ** 2 for v in m)) / 2
            e_out.append(float(-(const + (res2 + spread) / s) / 2 - kl))
            e_size.append(float((abs(const) + (res2 + spread) / s) / 2 + kl_size))
            j_out.append(float(-(const + res2 / s) / 2 - prior))
            j_size.append(float((abs(const) + res2 / s) / 2 + prior))
    f64 = lambda v: torch.tensor(v, dtype=torch.float64)  # noqa: E731
    assert_numerics(elbo, f64(e_out), kind="edge_linear_algebra", scale=f64(e_size),
                    what=f"exact ELBO of N(mu, exp(logvar)) with x - b, mu, logvar at the {dtype} edges")
    assert_numerics(joint, f64(j_out), kind="edge_linear_algebra", scale=f64(j_size),
                    what=f"log p(x, z) with x - b and z at the {dtype} edges")


@settings(max_examples=6)
@given(model=models())
def test_posterior_mean_of_far_points(impl, model):
    dtype, weight, bias, noise, x = model
    mean, _ = impl.LinearGaussian(weight, bias, noise).posterior(x)
    k, rows = weight.shape[1], []
    with mpmath.workprec(MP_PREC):
        w = _mp(weight)
        m = w.T * w + mpmath.mpf(noise) * mpmath.eye(k)
        for row in x.double().tolist():
            r = mpmath.matrix([mpmath.mpf(v) - mpmath.mpf(float(b)) for v, b in zip(row, bias)])
            rows.append([float(v) for v in mpmath.lu_solve(m, w.T * r)])
    truth = torch.tensor(rows, dtype=torch.float64)
    scale = (x.double() - bias.double()).abs().amax(-1, keepdim=True) * weight.double().abs().sum(0).amax() / noise
    assert_numerics(mean, truth, kind="edge_linear_algebra", scale=scale,
                    what=f"posterior mean M^-1 W^T (x - b) at the {dtype} edges")
