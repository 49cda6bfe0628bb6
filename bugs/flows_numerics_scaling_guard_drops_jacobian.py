"""Scaling guards 0 · inf where h = 0 by masking the overflowing log-scale, and the mask also replaces
the Jacobian it guards: dz/dh = 1 there instead of exp(log_scale) = +inf.

z itself is right (0 at h = 0, ±inf by the sign of h elsewhere); only the derivative at h = 0 is
wrong, and only where exp(log_scale / 2) overflows.
"""

from __future__ import annotations

import math

import torch

from genspec.reference import *  # noqa: F401,F403
from genspec.reference import scaling as _scaling

AREA = "flows"
TIER = "numerics"
CAUGHT_BY = "properties/test_scaling_numerics.py::test_scaling_beyond_where_half_the_log_scale_overflows"
SOURCE = ("analogue: genspec's own reference/scaling.py before this wave (_times_exp masked log_scale / 2 "
          "where h = 0 and exp overflowed, so dz/dh was 1 there)")


def _guarded(h: torch.Tensor, s: torch.Tensor) -> torch.Tensor:
    half = s / 2
    big = half > math.log(torch.finfo(h.dtype).max)
    e = torch.exp(torch.where((h == 0) & big, 0.0, half))  # BUG: masks the derivative too
    return (h * e) * e


class Scaling(_scaling.Scaling):
    def forward(self, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        self._check(h, "h")
        log_scale = self.log_scale.to(h.dtype)
        return _guarded(h, log_scale), h.new_zeros(h.shape[:-1]) + log_scale.sum()

    def inverse(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        self._check(z, "z")
        log_scale = self.log_scale.to(z.dtype)
        return _guarded(z, -log_scale), z.new_zeros(z.shape[:-1]) - log_scale.sum()
