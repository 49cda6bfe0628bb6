"""Scaling's inverse multiplies by exp(log_scale) as the forward does, instead of exp(-log_scale).

The logdets (+sum, -sum) are right, so only a round trip (or a Jacobian of the inverse) sees it.
"""
import torch

from genspec.reference import *  # noqa: F401,F403
from genspec.reference import scaling as _scaling

AREA = "flows"
TIER = "law"
CAUGHT_BY = "properties/test_protocols_layers.py::test_inverse_of_forward_is_identity"
SOURCE = ("ikostrikov/pytorch-flows#16 and Information-Fusion-Lab-Umass/NuX#10 "
          "(exp(a) vs exp(-a) and logdet sign mixed up between directions)")


class Scaling(_scaling.Scaling):
    def inverse(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        self._check(z, "z")
        log_scale = self.log_scale.to(z.dtype)
        return z * torch.exp(log_scale), z.new_zeros(z.shape[:-1]) - log_scale.sum()
