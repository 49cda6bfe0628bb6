"""A composition of flow layers whose inverse applies the layers' inverses in the forward order.

f = f_K ∘ ... ∘ f_1 has the inverse f_1⁻¹ ∘ ... ∘ f_K⁻¹: the last layer is undone first. Iterating
``self.layers`` (not ``reversed(self.layers)``) in ``inverse`` is right only when the layers commute.
"""

from __future__ import annotations

import torch

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.composition import FlowSequential as _FlowSequential
from genspec.reference.permutations import RandomPermutation as _RandomPermutation
from genspec.reference.protocols import flow_factory, small_coupling
from genspec.reference.scaling import Scaling as _Scaling

AREA = "flows"
TIER = "law"
CAUGHT_BY = "properties/test_protocols_flows.py::test_flow_round_trip"
SOURCE = ("analogue: davidADSP/Generative_Deep_Learning_2nd_Edition#33 and keras-team/keras-io#1339 (RealNVP "
          "example: one `direction` flag both reverses the loop over the coupling layers and flips each layer, "
          "and readers cannot tell which order inverts which)")


class ForwardOrderInverse(_FlowSequential):
    def inverse(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        log_det = z.new_zeros(z.shape[:-1])
        for layer in self.layers:  # BUG: reversed(self.layers)
            z, ld = layer.inverse(z)
            log_det = log_det + ld
        return z, log_det


def _stack(dim: int, generator: torch.Generator) -> ForwardOrderInverse:
    return ForwardOrderInverse([small_coupling(dim), _RandomPermutation(dim, generator=generator),
                                small_coupling(dim, odd=True), _Scaling(dim)])


FLOWS = {"FlowSequential": flow_factory(_stack, tuple(range(2, 9)))}
