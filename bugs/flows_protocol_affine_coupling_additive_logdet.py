"""An affine (RealNVP) coupling that returns the additive coupling's log-determinant, 0, although it scales.

y_b = x_b exp(s(x_a)) + t(x_a) has log|det| = sum s(x_a); the layer was adapted from an additive
coupling (y_b = x_b + t(x_a), log|det| = 0) and kept its zero logdet.
"""

from __future__ import annotations

import torch

from genspec.bugs._affine import AffineCoupling as _Correct
from genspec.bugs._affine import flows
from genspec.reference import *  # noqa: F401,F403

AREA = "flows"
TIER = "law"
CAUGHT_BY = "properties/test_protocols_flows.py::test_flow_forward_logdet_is_log_abs_det_jacobian"
SOURCE = ("analogue: tensorflow/models#7465 (research/real_nvp: the decoder overwrites log_diff with a layer's "
          "log-determinant instead of adding it, so the scaling layers' log-dets are lost)")


class AffineCoupling(_Correct):
    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        xa, xb = x[..., :self.h], x[..., self.h:]
        t, s = self.shift_and_log_scale(xa)
        return torch.cat([xa, xb * torch.exp(s) + t], -1), x.new_zeros(x.shape[:-1])  # BUG: sum s

    def inverse(self, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        ya, yb = y[..., :self.h], y[..., self.h:]
        t, s = self.shift_and_log_scale(ya)
        return torch.cat([ya, (yb - t) * torch.exp(-s)], -1), y.new_zeros(y.shape[:-1])  # BUG: -sum s


FLOWS = flows(AffineCoupling)
