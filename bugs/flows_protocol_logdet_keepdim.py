"""An affine coupling whose log-determinant keeps the summed dimension: shape (*batch, 1), not batch.

``s.sum(-1, keepdim=True)``: added to a per-example log-likelihood of shape (B,) it broadcasts to a
(B, B) matrix, and a mean over it still gives a plausible-looking number.
"""

from __future__ import annotations

import torch

from genspec.bugs._affine import AffineCoupling as _Correct
from genspec.bugs._affine import flows
from genspec.reference import *  # noqa: F401,F403

AREA = "flows"
TIER = "law"
CAUGHT_BY = "properties/test_protocols_flows.py::test_flow_shapes_and_dtypes"
SOURCE = ("analogue: mj-will/aspire#3 (bug in log-prob calculation: a rescaling's log-abs-det-Jacobian comes "
          "back with the event's shape (d,) instead of the batch's and broadcasts into log_prob); "
          "pytorch/pytorch#37162 (a log_prob of shape [n, 1] broadcast to [n, n])")


class AffineCoupling(_Correct):
    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        xa, xb = x[..., :self.h], x[..., self.h:]
        t, s = self.shift_and_log_scale(xa)
        return torch.cat([xa, xb * torch.exp(s) + t], -1), s.sum(-1, keepdim=True)  # BUG: keepdim

    def inverse(self, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        ya, yb = y[..., :self.h], y[..., self.h:]
        t, s = self.shift_and_log_scale(ya)
        return torch.cat([ya, (yb - t) * torch.exp(-s)], -1), -s.sum(-1, keepdim=True)  # BUG: keepdim


FLOWS = flows(AffineCoupling)
