"""SwapHalves' inverse applies the same swap again, assuming the swap is its own inverse.

True for even D; for odd D, (x[h:], x[:h]) with h = D // 2 swapped again is a rotation by one.
"""
import torch

from genspec.reference import *  # noqa: F401,F403
from genspec.reference import permutations as _permutations

AREA = "flows"
TIER = "law"
CAUGHT_BY = "properties/test_protocols_layers.py::test_inverse_of_forward_is_identity"
SOURCE = ("analogue: spinalcordtoolbox/spinalcordtoolbox#503 (code relied on 'the inverse "
          "permutation for a single swap is the same as the initial permutation' and broke with "
          "more than one swap); htjb/margarine#74 (Realnvp/Nice odd dim: coupling flows failed for "
          "odd D through the in_size // 2 split)")


class SwapHalves(_permutations.SwapHalves):
    def inverse(self, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.forward(y)
