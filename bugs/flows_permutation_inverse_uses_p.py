"""RandomPermutation's inverse indexes with p instead of argsort(p).

Right for the reverse permutation and for swapping the halves of an even D (both are their own
inverse), which is what such code is usually tried on; wrong for a random permutation.
"""
import torch

from genspec.reference import *  # noqa: F401,F403
from genspec.reference import permutations as _permutations

AREA = "flows"
TIER = "law"
CAUGHT_BY = "properties/test_protocols_layers.py::test_inverse_of_forward_is_identity"
SOURCE = ("analogue: BVLC/caffe#3188, fixed by #3290 (deprocess re-applied channel_swap instead of "
          "its inverse, np.argsort; 'only works when the permutation is of order 2'); "
          "nntrainer/nntrainer#1743 (the permute layer's backward used direction instead of "
          "reverse_direction)")


class RandomPermutation(_permutations.RandomPermutation):
    def inverse(self, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        self._check(y, "y")
        return y[..., self.permutation], y.new_zeros(y.shape[:-1])
