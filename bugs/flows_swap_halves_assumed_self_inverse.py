"""SwapHalves' inverse applies the same swap again, assuming the swap is its own inverse.

True for even D; for odd D, (x[h:], x[:h]) with h = D // 2 swapped again is a rotation by one.
"""
import torch

from reference import *  # noqa: F401,F403
from reference import permutations as _permutations

AREA = "flows"
CAUGHT_BY = "properties/test_bijector.py::test_inverse_of_forward_is_identity"
SOURCE = "plausible: 'swapping the halves twice is the identity', tested only on even dimensions"


class SwapHalves(_permutations.SwapHalves):
    def inverse(self, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.forward(y)
