"""AdditiveCoupling feeds the shifted half to the net: y2 = x2 + net(x2) (mask complement mix-up).

Not invertible in closed form; the 'inverse' x2 = y2 - net(y2) is wrong, the Jacobian's diagonal
is no longer 1, and when the two sides differ in size the net's input size does not even fit.
"""
import torch

from genspec.reference import *  # noqa: F401,F403
from genspec.reference import coupling as _coupling

AREA = "flows"
TIER = "law"
CAUGHT_BY = "properties/test_protocols_layers.py::test_inverse_of_forward_is_identity"
SOURCE = "plausible: x * mask vs x * (1 - mask) swapped in a masked (RealNVP-style) coupling"


class AdditiveCoupling(_coupling.AdditiveCoupling):
    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        x1, x2, cond_index, shift_index = self._split(x, "x")
        y2 = x2 + self._shift(x2, x2.shape[-1])
        return self._merge(x1, y2, cond_index, shift_index), x.new_zeros(x.shape[:-1])

    def inverse(self, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        y1, y2, cond_index, shift_index = self._split(y, "y")
        x2 = y2 - self._shift(y2, y2.shape[-1])
        return self._merge(y1, x2, cond_index, shift_index), y.new_zeros(y.shape[:-1])
