"""An affine coupling whose inverse returns the forward's log-determinant, +sum s, instead of -sum s.

Both maps are right; the inverse's log|det ∂x/∂y| = -sum s(y_a) lost its sign (the same value is
returned for both directions).
"""

from __future__ import annotations

import torch

from genspec.bugs._affine import AffineCoupling as _Correct
from genspec.bugs._affine import flows
from genspec.reference import *  # noqa: F401,F403

AREA = "flows"
TIER = "law"
CAUGHT_BY = "properties/test_protocols_flows.py::test_flow_inverse_logdet_is_minus_forward_logdet"
SOURCE = ("VincentStimper/normalizing-flows#27, fixed by #28 (Fixed sign of log det of `forward_and_log_det` "
          "method); danielward27/flowjax#208 (wrong logdet sign in one direction)")


class AffineCoupling(_Correct):
    def inverse(self, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        ya, yb = y[..., :self.h], y[..., self.h:]
        t, s = self.shift_and_log_scale(ya)
        return torch.cat([ya, (yb - t) * torch.exp(-s)], -1), s.sum(-1)  # BUG: -s.sum(-1)


FLOWS = flows(AffineCoupling)
