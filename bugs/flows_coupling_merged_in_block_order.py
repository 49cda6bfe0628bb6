"""AdditiveCoupling concatenates its two sides, (y[mask], y[~mask]), instead of putting every
coordinate back where it came from.

With the interleaved (or any non-block) mask the output is a reordering of the right result, the
logdet is still 0, and the inverse, which splits by the mask again, does not undo the forward:
inverse(forward(x)) != x for D > 2. For the 2-D toy data such code is usually tried on, the
concatenation happens to be the identity.
"""
import torch

from genspec.reference import *  # noqa: F401,F403
from genspec.reference import coupling as _coupling

AREA = "flows"
TIER = "law"
CAUGHT_BY = "properties/test_protocols_layers.py::test_inverse_of_forward_is_identity"
SOURCE = ("karpathy/pytorch-normalizing-flows#10 (AffineHalfFlow splits x[:, ::2], x[:, 1::2] but "
          "returns torch.cat([z0, z1]): forward then backward is not the identity); "
          "karpathy/pytorch-normalizing-flows#1 (Fixed bug with invertibility of AffineHalfFlow)")


class AdditiveCoupling(_coupling.AdditiveCoupling):
    def _merge(self, x1: torch.Tensor, x2: torch.Tensor, cond_index: torch.Tensor,
               shift_index: torch.Tensor) -> torch.Tensor:
        return torch.cat([x1, x2], dim=-1)
