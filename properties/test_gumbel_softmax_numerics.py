r"""Numerics of ``gumbel_softmax`` and ``gumbel_max`` at the edges: logits up to each dtype's largest
number (and -inf), temperatures from 1e-30 to 1e30 (float32; 1e-300 to 1e300 in float64), noise over
the Gumbel range [-3.6, 36.7]; the soft sample and its gradient in every dtype, mixed precision too.

Oracles in mpmath: ``y_k = 1 / sum_j exp((l_j + g_j - l_k - g_k) / tau)`` and its vector-Jacobian
product ``(y * (v - <v, y>)) / tau``. A softmax without the max subtracted overflows at small tau;
``l + g`` formed before shifting absorbs g into a logit of 3.4e38 (every class ties). Reference:
``reference/gumbel_softmax.py``, ``reference/gumbel.py``.
"""

from __future__ import annotations

import math

import mpmath
import pytest
import torch
from hypothesis import given, settings, strategies as st

from genspec import domains as dom
from genspec.numerics import assert_numerics

pytestmark = [pytest.mark.area("gumbel"), pytest.mark.tier("numerics")]


@st.composite
def samples(draw, dtypes=(dom.F32, dom.F64, dom.BF16, dom.F16)):
    """``(logits (B, K) with some -inf, gumbels (B, K), tau)`` at the edges of one dtype."""
    dtype = draw(st.sampled_from(dtypes))
    b, k = draw(st.integers(1, 3)), draw(st.integers(2, 5))
    logits = draw(dom.edge_tensors((b, k), "gumbel_softmax", "logits", dtype, moderate=40.0))
    if draw(st.booleans()):  # -inf entries, never a whole row
        mask = torch.tensor(draw(st.lists(st.booleans(), min_size=b * k, max_size=b * k))).reshape(b, k)
        mask[:, draw(st.integers(0, k - 1))] = False
        logits = logits.masked_fill(mask, -math.inf)
    if draw(st.booleans()):  # equal logits at the edge: only the noise decides
        logits = torch.full_like(logits, float(logits.nan_to_num(neginf=0.0).abs().amax()))
    g = torch.tensor(draw(st.lists(st.sampled_from([-3.6, -1.0, 0.0, 0.5, 2.0, 10.0, 36.7]), min_size=b * k,
                                   max_size=b * k)), dtype=torch.float64).reshape(b, k).to(dtype)
    lo, hi = dom.edge("gumbel_softmax", "tau").bounds[dtype]
    tau = float(draw(st.sampled_from(dom.edge_pool(lo, hi, dtype))))
    return logits, g, tau


def _softmax_truth(logits: torch.Tensor, g: torch.Tensor, tau: float, v: torch.Tensor | None = None):
    """``(y, |z| y, vjp)``: the soft sample, the size of its rounding (exp of a rounded z), and the
    vector-Jacobian product with ``v``, in mpmath (rows of ``(B, K)``)."""
    ys, sizes, vjps = [], [], []
    with mpmath.workprec(1200):  # l + g with l = 1.8e308 keeps g
        t = mpmath.mpf(tau)
        for li, gi, vi in zip(logits.double().tolist(), g.double().tolist(),
                              (v if v is not None else torch.zeros_like(g)).double().tolist()):
            n = [mpmath.mpf(a) + mpmath.mpf(b) if a != -math.inf else None for a, b in zip(li, gi)]
            top = max(x for x in n if x is not None)
            z = [(x - top) / t if x is not None else None for x in n]
            e = [mpmath.exp(x) if x is not None else mpmath.mpf(0) for x in z]
            s = mpmath.fsum(e)
            y = [x / s for x in e]
            inner = mpmath.fsum(a * mpmath.mpf(b) for a, b in zip(y, vi))
            ys.append([float(x) for x in y])
            sizes.append([float(abs(x) * yy) if x is not None else 0.0 for x, yy in zip(z, y)])
            vjps.append([float(yy * (mpmath.mpf(b) - inner) / t) for yy, b in zip(y, vi)])
    f64 = lambda rows: torch.tensor(rows, dtype=torch.float64)  # noqa: E731
    return f64(ys), f64(sizes), f64(vjps)


@settings(max_examples=8)
@given(case=samples())
def test_soft_sample_at_the_edges(impl, case):
    logits, g, tau = case
    y = impl.gumbel_softmax(logits, tau, gumbels=g)
    truth, size, _ = _softmax_truth(logits, g, tau)
    assert_numerics(y, truth, kind="edge_elementwise", scale=size,
                    what=f"softmax((logits + g) / tau) at tau = {tau:.3g}, {logits.dtype} logits up to the edge")


@settings(max_examples=6)
@given(case=samples(), data=st.data())
def test_soft_sample_gradient_at_the_edges(impl, case, data):
    """d <v, y> / d logits = y (v - <v, y>) / tau: finite, and 0 for -inf logits."""
    logits, g, tau = case
    v = torch.tensor(data.draw(st.lists(st.sampled_from([-1.0, 0.0, 0.5, 2.0]), min_size=g.numel(),
                                        max_size=g.numel())), dtype=torch.float64).reshape(g.shape).to(g.dtype)
    leaf = logits.clone().requires_grad_(True)
    (grad,) = torch.autograd.grad((impl.gumbel_softmax(leaf, tau, gumbels=g) * v).sum(), (leaf,))
    y, size, truth = _softmax_truth(logits, g, tau, v)
    scale = (size + y) * (1 + v.double().abs().amax()) / tau  # the terms y_k v_k, y_k <v, y> and z's rounding
    assert_numerics(grad, truth, kind="edge_gradient", scale=scale,
                    what=f"vjp of the soft sample at tau = {tau:.3g} ({logits.dtype})")


@pytest.mark.parametrize("dtype", [dom.F32, dom.F64], ids=str)
def test_hard_sample_at_equal_logits_of_the_largest_number_follows_the_noise(impl, dtype):
    """Logits all equal to the dtype's largest number: argmax(l + g) = argmax(g), not class 0 for
    every row (``3.4e38 + g`` rounds to ``3.4e38``: the noise is absorbed, every class ties)."""
    top = float(torch.finfo(dtype).max)
    g = torch.tensor([[0.1, 2.0, -1.0], [3.0, 0.2, 0.1], [-1.0, -2.0, 5.0]], dtype=dtype)
    logits = torch.full_like(g, top)
    hard = impl.gumbel_softmax(logits, 0.5, hard=True, gumbels=g)
    assert hard.argmax(-1).tolist() == [1, 0, 2], f"hard samples {hard.tolist()} with noise {g.tolist()}"


@pytest.mark.parametrize("dtype", [dom.F32, dom.F64], ids=str)
def test_gumbel_max_at_equal_logits_of_the_largest_number_draws_every_class(impl, dtype, generator):
    """256 draws from three equal logits at the dtype's largest number: every class appears (a draw
    that absorbs the noise picks class 0 every time; by chance, a class is missing with p < 1e-44)."""
    logits = torch.full((256, 3), float(torch.finfo(dtype).max), dtype=dtype)
    idx = impl.gumbel_max(logits, generator=generator)
    counts = torch.bincount(idx, minlength=3).tolist()
    assert min(counts) > 0, f"class counts {counts} from equal logits {float(logits[0, 0]):.3g}"
