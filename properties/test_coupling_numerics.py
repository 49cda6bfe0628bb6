r"""Numerics of ``AdditiveCoupling`` with inputs at the edges (±1e30 float32, ±1e300 float64) and a
shift net whose output overflows: the log-determinant is exactly 0 in the batch shape and the input's
dtype, never NaN, and has no gradient that is not 0; the pass-through half is returned bit for bit.
Reference: ``reference/coupling.py``.
"""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings, strategies as st

from genspec import domains as dom

pytestmark = [pytest.mark.area("flows"), pytest.mark.tier("numerics")]


class Blowup(torch.nn.Module):
    """A shift net ``(*, n_in) -> (*, n_out)``: ``scale * sum(x1)`` per output, overflowing for huge x1."""

    def __init__(self, n_in: int, n_out: int, scale: float) -> None:
        super().__init__()
        self.n_out, self.scale = n_out, torch.nn.Parameter(torch.tensor(scale))

    def forward(self, x1: torch.Tensor) -> torch.Tensor:
        return (self.scale.to(x1.dtype) * x1.sum(-1, keepdim=True)).expand(*x1.shape[:-1], self.n_out)


@settings(max_examples=8)
@given(data=st.data(), dtype=st.sampled_from([dom.F32, dom.F64]), direction=st.sampled_from(["forward", "inverse"]))
def test_coupling_logdet_is_zero_at_any_input(impl, data, dtype, direction):
    d = data.draw(st.integers(2, 5))
    mask = torch.tensor([i % 2 == 0 for i in range(d)])
    net = Blowup(int(mask.sum()), int((~mask).sum()), data.draw(st.sampled_from([1.0, 1e10, -1e30])))
    layer = impl.AdditiveCoupling(mask, net).to(dtype)
    batch = tuple(data.draw(st.lists(st.integers(1, 3), max_size=2)))
    x = data.draw(dom.edge_tensors((*batch, d), "AdditiveCoupling", "x", dtype)).requires_grad_(True)
    y, logdet = getattr(layer, direction)(x)
    assert logdet.shape == batch and logdet.dtype == dtype, f"logdet {tuple(logdet.shape)} {logdet.dtype}"
    assert bool((logdet == 0).all()), (
        f"{direction} logdet = {logdet.tolist()} at inputs up to {float(x.detach().abs().max()):.3g}")
    assert torch.equal(y[..., mask], x[..., mask]), "the pass-through half changed"
    assert not bool(torch.isnan(y[..., ~mask]).any()) or bool(torch.isinf(net(x[..., mask])).any()), (
        f"NaN in the shifted half from a finite shift: {y.tolist()}")
    if logdet.requires_grad:
        grads = torch.autograd.grad(logdet.sum(), [x, *layer.parameters()], allow_unused=True)
        for g in grads:
            assert g is None or bool((g == 0).all()), f"d logdet = {g} is not 0"
