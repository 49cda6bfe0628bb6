r"""Numerics of NICE's ``Scaling`` layer with log-scales at the edges (±100 float32, ±800 float64):
``z = h exp(log_scale)`` finite wherever it is representable, ±inf where it overflows, 0 at h = 0
(``exp(100)`` is inf in float32: ``0 · inf = NaN``); its log-determinant ``±sum(log_scale)`` and its
gradient (1 per coordinate) exact whatever the data. Oracle: mpmath. Reference: ``reference/scaling.py``.
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


@st.composite
def layers(draw):
    dtype = draw(st.sampled_from([dom.F32, dom.F64]))
    d = draw(st.integers(1, 4))
    log_scale = draw(dom.edge_tensors((d,), "Scaling", "log_scale", dtype))
    h = draw(dom.edge_tensors((draw(st.integers(1, 3)), d), "AdditiveCoupling", "x", dtype))
    return dtype, log_scale, h


@settings(max_examples=8)
@given(case=layers(), direction=st.sampled_from(["forward", "inverse"]))
def test_scaling_at_extreme_log_scales(impl, case, direction):
    dtype, log_scale, h = case
    layer = impl.Scaling(log_scale.shape[0]).to(dtype)
    with torch.no_grad():
        layer.log_scale.copy_(log_scale)
    sign = 1 if direction == "forward" else -1
    out, logdet = getattr(layer, direction)(h)
    assert_numerics(out, mp_map(lambda v, s: v * mpmath.exp(sign * s), h, log_scale), kind="edge_elementwise",
                    what=f"Scaling.{direction}: h exp({'+' if sign > 0 else '-'}log_scale) at the {dtype} edges")
    truth = mp_map(lambda s: sign * s, log_scale).sum().expand(h.shape[:-1])
    assert_numerics(logdet, truth, kind="edge_reduction", scale=log_scale.double().abs().sum(),
                    what=f"Scaling.{direction} logdet = {'+' if sign > 0 else '-'}sum(log_scale)")


@settings(max_examples=6)
@given(case=layers())
def test_scaling_gradients_at_extreme_log_scales(impl, case):
    """d logdet / d log_scale = 1 exactly; d <1, z> / d h = exp(log_scale) and d <1, z> / d log_scale
    = sum_b h exp(log_scale), where they are representable (the product is formed as twice itself, so
    entries within a factor 2 of the largest number are left out)."""
    dtype, log_scale, h = case
    layer = impl.Scaling(log_scale.shape[0]).to(dtype)
    with torch.no_grad():
        layer.log_scale.copy_(log_scale)
    h = h.clone().requires_grad_(True)
    z, logdet = layer(h)
    (g_logdet,) = torch.autograd.grad(logdet.sum(), (layer.log_scale,))
    assert_numerics(g_logdet, torch.full(log_scale.shape, float(h.shape[0]), dtype=torch.float64),
                    kind="edge_gradient", what="d sum_b logdet / d log_scale = batch size")
    g_h, g_s = torch.autograd.grad(z.sum(), (h, layer.log_scale))
    top = float(torch.finfo(dtype).max) / 4
    e = mp_map(lambda s: mpmath.exp(s), log_scale).expand(h.shape)
    ok = e < top
    assert_numerics(g_h[ok], e[ok], kind="edge_gradient", what="d <1, z> / d h = exp(log_scale)")
    terms = mp_map(lambda v, s: v * mpmath.exp(s), h.detach(), log_scale)
    keep = (terms.abs() < top).all(0) & (terms.abs().sum(0) < top)
    assert_numerics(g_s[keep], terms.sum(0)[keep], kind="edge_gradient", scale=terms.abs().sum(0)[keep],
                    what="d <1, z> / d log_scale = sum_b h exp(log_scale)")


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=str)
def test_scaling_beyond_where_half_the_log_scale_overflows(impl, dtype):
    """log_scale above 2 log(max) (float32 187, float64 1430): even exp(log_scale / 2) overflows, and
    h exp(log_scale) is ±inf by the sign of h, 0 at h = 0, exactly 1-to-1 with the coordinates; the
    Jacobian's diagonal dz/dh = exp(log_scale) is +inf at every coordinate, h = 0 included."""
    big = 2 * math.log(torch.finfo(dtype).max) + 10.0
    layer = impl.Scaling(3).to(dtype)
    with torch.no_grad():
        layer.log_scale.copy_(torch.full((3,), big, dtype=dtype))
    h = torch.tensor([[0.0, 1.0, -2.5]], dtype=dtype, requires_grad=True)
    z, _ = layer(h)
    expected = torch.tensor([[0.0, math.inf, -math.inf]], dtype=dtype)
    assert torch.equal(z.detach(), expected), (
        f"Scaling at log_scale = {big:.1f} ({dtype}): {z.tolist()}, not {expected.tolist()}")
    (g_h,) = torch.autograd.grad(z.sum(), (h,))
    assert torch.equal(g_h, torch.full_like(h, math.inf)), (
        f"dz/dh at log_scale = {big:.1f} ({dtype}): {g_h.tolist()}, not exp(log_scale) = +inf everywhere")
