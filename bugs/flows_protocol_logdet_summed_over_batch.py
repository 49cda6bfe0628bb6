"""An affine coupling whose log-determinant is summed over the whole batch: one number, not one per example.

``s.sum()`` where ``s.sum(-1)`` is meant: for one example it is right, for a batch the result is a
scalar that broadcasts silently against per-example log-likelihoods.
"""

from __future__ import annotations

import torch

from genspec.bugs._affine import AffineCoupling as _Correct
from genspec.bugs._affine import flows
from genspec.reference import *  # noqa: F401,F403

AREA = "flows"
TIER = "law"
CAUGHT_BY = "properties/test_protocols_flows.py::test_flow_shapes_and_dtypes"
SOURCE = ("wohlert/semi-supervised-pytorch#21 (the flows' log-det, one value per example, reduced over the "
          "batch by sum() before being subtracted from each example's log q(z))")


class AffineCoupling(_Correct):
    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        xa, xb = x[..., :self.h], x[..., self.h:]
        t, s = self.shift_and_log_scale(xa)
        return torch.cat([xa, xb * torch.exp(s) + t], -1), s.sum()  # BUG: s.sum(-1)

    def inverse(self, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        ya, yb = y[..., :self.h], y[..., self.h:]
        t, s = self.shift_and_log_scale(ya)
        return torch.cat([ya, (yb - t) * torch.exp(-s)], -1), -s.sum()  # BUG: -s.sum(-1)


FLOWS = flows(AffineCoupling)
