r"""Properties of ``AdditiveCoupling`` and of composing flow layers (seed 003, eq. (7)-(11)).

    forward:  y[mask] = x[mask],  y[~mask] = x[~mask] + net(x[mask]),   logdet = 0
    inverse:  x[mask] = y[mask],  x[~mask] = y[~mask] - net(y[mask]),   logdet = 0

In the mask's block order (mask coordinates first) the Jacobian is exactly [[I, 0], [dnet, I]]:
unit lower triangular, so det = 1 whatever the net (the seed's eq. (8), "对角线全部为 1"). A
composition's logdet is the sum of its layers' logdets at the intermediate points (eq. (11)).
The nets are test-owned, random and non-zero; masks are random subsets, D in 6..9. The interleaved
partition NICE uses, ``interleaved_mask(dim, odd=...)``, is checked against masks written out here:
True on the even indices (the seed's first part, x1) by default, on the odd ones with ``odd=True``.

References: seed 003_2bb67353180af150.txt, section flow / 分块耦合层 and 细水长flow;
Dinh et al., arXiv:1410.8516, §3.2-3.3.
"""

from __future__ import annotations

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch import nn

from genspec import strategies as gst
from genspec.checks import assert_close
from genspec.properties.test_bijector import F64, jacobian, random_mask, randomize_, shift_net

pytestmark = pytest.mark.area("flows")


@st.composite
def coupling_cases(draw, *, dtype: torch.dtype | None = F64):
    """``(mask, net, x)``: a random mask of D in 6..9, a random net, x ``(*batch, D)``, batch rank 1-3."""
    dim = draw(st.integers(6, 9))
    dt = dtype or draw(gst.float_dtypes())
    g = torch.Generator().manual_seed(draw(st.integers(0, 2**31)))
    mask = random_mask(dim, g)
    net = shift_net(int(mask.sum()), int((~mask).sum()), g, dt)
    batch = draw(gst.batch_shapes(min_rank=1, max_rank=3))
    x = draw(gst.tensors((*batch, dim), dtype=dt, min_value=-3, max_value=3))
    return mask, net, x


@given(case=coupling_cases(dtype=None))
def test_coupling_passes_the_mask_side_and_shifts_the_other_by_net(impl, case):
    mask, net, x = case
    layer = impl.AdditiveCoupling(mask, net)
    y, _ = layer(x)
    assert torch.equal(y[..., mask], x[..., mask]), "forward changed a coordinate where mask is True"
    expected = x[..., ~mask].to(F64) + net(x[..., mask]).detach().to(F64)
    assert_close(y[..., ~mask], expected, kind="elementwise", what="forward: y[~mask] = x[~mask] + net(x[mask])")
    x_back, _ = layer.inverse(x)
    assert torch.equal(x_back[..., mask], x[..., mask]), "inverse changed a coordinate where mask is True"
    expected = x[..., ~mask].to(F64) - net(x[..., mask]).detach().to(F64)
    assert_close(x_back[..., ~mask], expected, kind="elementwise",
                 what="inverse: x[~mask] = y[~mask] - net(y[mask])")


@given(case=coupling_cases())
def test_coupling_jacobian_is_exactly_unit_triangular_in_mask_block_order(impl, case):
    mask, net, x = case
    layer = impl.AdditiveCoupling(mask, net)
    order = torch.cat([torch.nonzero(mask).squeeze(-1), torch.nonzero(~mask).squeeze(-1)])
    d1 = int(mask.sum())
    for direction, fn, sign in (("forward", layer, 1.0), ("inverse", layer.inverse, -1.0)):
        jac = jacobian(fn, x)[..., order, :][..., :, order]  # rows and columns in block order
        eye1, eye2 = torch.eye(d1, dtype=F64), torch.eye(jac.shape[-1] - d1, dtype=F64)
        assert torch.equal(jac[..., :d1, :d1], eye1.expand_as(jac[..., :d1, :d1])), f"{direction}: J11 != I"
        assert torch.equal(jac[..., :d1, d1:], torch.zeros_like(jac[..., :d1, d1:])), f"{direction}: J12 != 0"
        assert torch.equal(jac[..., d1:, d1:], eye2.expand_as(jac[..., d1:, d1:])), f"{direction}: J22 != I"
        net_jac = jacobian(lambda u: (net(u), None), x[..., mask])
        assert_close(jac[..., d1:, :d1], sign * net_jac, kind="gradient",
                     what=f"{direction}: J21 = {'+' if sign > 0 else '-'}d net / d x[mask]")


@given(case=coupling_cases(dtype=None))
def test_coupling_logdet_is_exactly_zero(impl, case):
    mask, net, x = case
    layer = impl.AdditiveCoupling(mask, net)
    for direction, fn in (("forward", layer), ("inverse", layer.inverse)):
        _, logdet = fn(x)
        assert logdet.shape == x.shape[:-1] and logdet.dtype == x.dtype
        assert bool((logdet == 0).all()), f"{direction}: additive coupling logdet {logdet} is not exactly 0"


def test_coupling_accepts_an_unbatched_vector(impl, generator):
    mask = torch.tensor([True, False, True, False, False, True, True])
    layer = impl.AdditiveCoupling(mask, shift_net(4, 3, generator, F64))
    x = torch.randn(7, generator=generator, dtype=F64)
    y, logdet = layer(x)
    assert y.shape == (7,) and logdet.shape == ()
    assert_close(layer.inverse(y)[0], x, kind="roundtrip", what="unbatched round trip")


@given(case=coupling_cases(), seed=st.integers(0, 2**31))
def test_composition_logdet_is_the_sum_of_the_layers_logdets(impl, case, seed):
    mask, net, x = case
    dim = x.shape[-1]
    g = torch.Generator().manual_seed(seed)
    layers = [impl.AdditiveCoupling(mask, net), randomize_(impl.Scaling(dim).to(F64), g),
              impl.RandomPermutation(dim, generator=g), randomize_(impl.Scaling(dim).to(F64), g)]
    flow = impl.FlowSequential(layers)
    z, logdet = flow(x)
    h, total = x, torch.zeros(x.shape[:-1], dtype=F64)
    for layer in layers:
        h, ld = layer(h)
        total = total + ld.detach()
    assert_close(z, h.detach(), kind="roundtrip", what="FlowSequential applies the layers in order")
    assert_close(logdet, total, kind="logdet", what="composition: logdet = sum of the layers' logdets")
    x_back, inv_logdet = flow.inverse(z)
    assert_close(inv_logdet, -total, kind="logdet", what="composition: inverse logdet = -forward logdet")
    assert_close(x_back, x, kind="roundtrip", what="FlowSequential inverse applies the inverses in reverse")


def test_a_composition_of_one_layer_is_that_layer(impl, generator):
    """``FlowSequential([f])`` is f itself: the same output and logdet in both directions."""
    layer = randomize_(impl.Scaling(7).to(F64), generator)
    flow = impl.FlowSequential([layer])
    x = torch.randn(4, 7, generator=generator, dtype=F64)
    for direction, got, expected in (("forward", flow(x), layer(x)), ("inverse", flow.inverse(x), layer.inverse(x))):
        assert_close(got[0], expected[0].detach(), kind="roundtrip", what=f"one-layer composition: {direction} output")
        assert_close(got[1], expected[1].detach(), kind="logdet", what=f"one-layer composition: {direction} logdet")


# ----------------------------------------------------------------------------- the interleaved partition


@given(dim=st.integers(2, 12))
def test_interleaved_mask_is_true_on_even_indices_by_default_and_on_odd_ones_when_asked(impl, dim):
    """Seed 003 (实验 / 模型细节): "下标为偶数的作为第一部分" -- the even indices are x1, the side
    that passes through; ``odd=True`` is the other half of the alternation."""
    even = torch.tensor([i % 2 == 0 for i in range(dim)])
    for call, got, expected in (("interleaved_mask(dim)", impl.interleaved_mask(dim), even),
                                ("interleaved_mask(dim, odd=False)", impl.interleaved_mask(dim, odd=False), even),
                                ("interleaved_mask(dim, odd=True)", impl.interleaved_mask(dim, odd=True), ~even)):
        assert got.dtype == torch.bool and got.shape == (dim,), f"{call}: {got.dtype} {tuple(got.shape)}"
        assert torch.equal(got, expected), f"{call} = {got.int().tolist()}, expected {expected.int().tolist()}"


# ----------------------------------------------------------------------------- bad input


def test_coupling_rejects_x_whose_length_differs_from_the_mask(impl, generator):
    mask = torch.tensor([True, False] * 3)
    layer = impl.AdditiveCoupling(mask, shift_net(3, 3, generator, F64))
    for bad in (torch.zeros(4, 5, dtype=F64), torch.zeros(4, 7, dtype=F64)):
        with pytest.raises(ValueError, match=r"\bmask\b|\bx\b"):
            layer(bad)
        with pytest.raises(ValueError, match=r"\bmask\b|\by\b"):
            layer.inverse(bad)


@pytest.mark.parametrize("mask", [torch.ones(6, dtype=torch.bool), torch.zeros(6, dtype=torch.bool)],
                         ids=["all_pass_through", "all_shifted"])
def test_coupling_rejects_an_empty_side_of_the_partition(impl, mask):
    with pytest.raises(ValueError, match=r"\bmask\b"):
        impl.AdditiveCoupling(mask, nn.Linear(3, 3).double())


def test_coupling_rejects_a_net_whose_output_does_not_fit(impl, generator):
    mask = torch.tensor([True, True, False, True, False, False, False])  # 3 pass, 4 shifted
    x = torch.randn(2, 7, generator=generator, dtype=F64)
    for wrong in (3, 5):
        layer = impl.AdditiveCoupling(mask, shift_net(3, wrong, generator, F64))
        with pytest.raises(ValueError, match=r"\bnet\b"):
            layer(x)
        with pytest.raises(ValueError, match=r"\bnet\b"):
            layer.inverse(x)


@pytest.mark.parametrize("dim", [1, 0, -2])
def test_interleaved_mask_rejects_a_dim_below_two(impl, dim):
    """With D < 2 one side of the partition is empty and the coupling would be no bijection of
    interest (``AdditiveCoupling`` rejects it): the mask itself refuses, naming dim."""
    with pytest.raises(ValueError, match=r"\bdim\b"):
        impl.interleaved_mask(dim)
