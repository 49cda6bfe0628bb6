r"""Properties of ``FlowSequential``: composing flow layers (seed 003, eq. (11)).

    forward:  x -> f_n(... f_1(x)),        logdet = sum_i logdet_i at the intermediate points
    inverse:  z -> f_1^-1(... f_n^-1(z)),  the layers' inverses in reverse order

References: seed 003_2bb67353180af150.txt, section 细水长flow; Dinh et al., arXiv:1410.8516, §3.
"""

from __future__ import annotations

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from genspec.checks import assert_close
from genspec.oracles.layers import F64, coupling_cases, randomize_

pytestmark = [pytest.mark.area("flows"), pytest.mark.tier("law")]

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



class _NotAPair(torch.nn.Module):
    """A module with ``inverse`` whose ``forward`` returns a bare tensor, not ``(output, log_det)``."""

    def forward(self, x):
        return x + 1

    def inverse(self, z):
        return z - 1, z.new_zeros(z.shape[:-1])


@pytest.mark.tier("validation")
@pytest.mark.parametrize("layers", [[torch.nn.Linear(2, 2)], 3, None, "ab"], ids=["nn.Linear", "int", "None", "str"])
def test_flow_sequential_rejects_what_is_not_a_list_of_flow_layers(impl, layers):
    """``FlowSequential([nn.Linear(2, 2)])`` would unpack the (B, 2) output into "x, logdet" and return
    garbage for B = 2: a layer without ``inverse`` (or no iterable of layers) is a TypeError naming layers."""
    with pytest.raises(TypeError, match=r"\blayers\b"):
        impl.FlowSequential(layers)


@pytest.mark.tier("validation")
def test_flow_sequential_rejects_a_layer_that_does_not_return_a_pair(impl):
    """A layer whose forward returns a tensor, not ``(output, log_det)``: a TypeError naming the layer
    (``layers[i]``) at call time, never a tensor split along its batch dimension."""
    flow = impl.FlowSequential([_NotAPair()])
    with pytest.raises(TypeError, match=r"\blayers\b"):
        flow(torch.zeros(2, 2, dtype=F64))
