r"""Properties of ``AdditiveCoupling`` (seed 003, eq. (7)-(10)).

    forward:  y[mask] = x[mask],  y[~mask] = x[~mask] + net(x[mask]),   logdet = 0
    inverse:  x[mask] = y[mask],  x[~mask] = y[~mask] - net(y[mask]),   logdet = 0

In the mask's block order (mask coordinates first) the Jacobian is exactly [[I, 0], [dnet, I]]:
unit lower triangular, so det = 1 whatever the net (the seed's eq. (8), "对角线全部为 1").
The nets are test-owned, random and non-zero; masks are random subsets, D in 6..9. Composition is
in ``test_composition.py``, the interleaved partition in ``test_partitions.py``.

References: seed 003_2bb67353180af150.txt, section flow / 分块耦合层 and 细水长flow;
Dinh et al., arXiv:1410.8516, §3.2-3.3.
"""

from __future__ import annotations

import pytest
import torch
from hypothesis import given
from torch import nn

from genspec.checks import assert_close
from genspec.oracles.jacobian import jacobian
from genspec.oracles.layers import F64, coupling_cases, shift_net

pytestmark = [pytest.mark.area("flows"), pytest.mark.tier("law")]


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


@pytest.mark.tier("numerics")
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


# ----------------------------------------------------------------------------- the interleaved partition


# ----------------------------------------------------------------------------- bad input


@pytest.mark.tier("validation")
def test_coupling_rejects_x_whose_length_differs_from_the_mask(impl, generator):
    mask = torch.tensor([True, False] * 3)
    layer = impl.AdditiveCoupling(mask, shift_net(3, 3, generator, F64))
    for bad in (torch.zeros(4, 5, dtype=F64), torch.zeros(4, 7, dtype=F64)):
        with pytest.raises(ValueError, match=r"\bmask\b|\bx\b"):
            layer(bad)
        with pytest.raises(ValueError, match=r"\bmask\b|\by\b"):
            layer.inverse(bad)


@pytest.mark.tier("validation")
@pytest.mark.parametrize("mask", [torch.ones(6, dtype=torch.bool), torch.zeros(6, dtype=torch.bool)],
                         ids=["all_pass_through", "all_shifted"])
def test_coupling_rejects_an_empty_side_of_the_partition(impl, mask):
    with pytest.raises(ValueError, match=r"\bmask\b"):
        impl.AdditiveCoupling(mask, nn.Linear(3, 3).double())


@pytest.mark.tier("validation")
def test_coupling_rejects_a_net_whose_output_does_not_fit(impl, generator):
    mask = torch.tensor([True, True, False, True, False, False, False])  # 3 pass, 4 shifted
    x = torch.randn(2, 7, generator=generator, dtype=F64)
    for wrong in (3, 5):
        layer = impl.AdditiveCoupling(mask, shift_net(3, wrong, generator, F64))
        with pytest.raises(ValueError, match=r"\bnet\b"):
            layer(x)
        with pytest.raises(ValueError, match=r"\bnet\b"):
            layer.inverse(x)


