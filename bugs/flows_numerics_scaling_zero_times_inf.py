"""Scaling as h * exp(log_scale): 0 * inf = NaN once a log-scale passes 88.7 (float32).

The scale of a constant pixel (an MNIST border) grows without bound during training; ``exp(log_scale)``
overflows first, so a zero input coordinate becomes NaN and a small one inf.
"""
import torch

from genspec.reference import *  # noqa: F401,F403
from genspec.reference import scaling as _scaling

AREA = "flows"
TIER = "numerics"
CAUGHT_BY = "properties/test_scaling_numerics.py::test_scaling_at_extreme_log_scales"
SOURCE = ("fmu2/NICE nice.py (Scaling.forward: x = x * torch.exp(self.scale), and x * torch.exp(-self.scale) "
          "in reverse)")


class Scaling(_scaling.Scaling):
    def forward(self, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        self._check(h, "h")
        log_scale = self.log_scale.to(h.dtype)
        return h * torch.exp(log_scale), h.new_zeros(h.shape[:-1]) + log_scale.sum()  # BUG: exp first

    def inverse(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        self._check(z, "z")
        log_scale = self.log_scale.to(z.dtype)
        return z * torch.exp(-log_scale), z.new_zeros(z.shape[:-1]) - log_scale.sum()
