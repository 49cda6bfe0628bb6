"""AdditiveCoupling's inverse adds the shift instead of subtracting it: x2 = y2 + net(y1).

Its logdet is still 0 both ways and the mask side still passes through, so only a round trip sees it.
"""
import torch

from genspec.reference import *  # noqa: F401,F403
from genspec.reference import coupling as _coupling

AREA = "flows"
TIER = "law"
CAUGHT_BY = "properties/test_protocols_layers.py::test_inverse_of_forward_is_identity"
SOURCE = "ai-on-browser/ai-on-browser.github.io#224 (Fix AdditiveCouplingLayer restoring, issue #223)"


class AdditiveCoupling(_coupling.AdditiveCoupling):
    def inverse(self, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        y1, y2, cond_index, shift_index = self._split(y, "y")
        x2 = y2 + self._shift(y1, y2.shape[-1])
        return self._merge(y1, x2, cond_index, shift_index), y.new_zeros(y.shape[:-1])
