"""An affine coupling whose inverse multiplies by exp(s) instead of dividing: x_b = (y_b - t) exp(s).

The forward y_b = x_b exp(s) + t is right, and so are both log-determinants; only the inverse copied
the forward's ``* torch.exp(s)`` and flipped the shift alone.
"""

from __future__ import annotations

import torch

from genspec.bugs._affine import AffineCoupling as _Correct
from genspec.bugs._affine import flows
from genspec.reference import *  # noqa: F401,F403

AREA = "flows"
TIER = "law"
CAUGHT_BY = "properties/test_protocols_flows.py::test_flow_round_trip"
SOURCE = ("plausible: the forward's `* torch.exp(s)` copied into the inverse with only the shift's sign "
          "flipped; cf. chrischute/real-nvp#15, where the scaling of the reverse pass was questioned, and "
          "pyro-ppl/pyro#2084 (AffineCoupling's inverse computed with the wrong network, fixed with a round-trip test in #2243)")


class AffineCoupling(_Correct):
    def inverse(self, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        ya, yb = y[..., :self.h], y[..., self.h:]
        t, s = self.shift_and_log_scale(ya)
        return torch.cat([ya, (yb - t) * torch.exp(s)], -1), -s.sum(-1)  # BUG: exp(-s)


FLOWS = flows(AffineCoupling)
