"""An affine coupling whose inverse multiplies by exp(s) instead of dividing: x_b = (y_b - t) exp(s).

The forward y_b = x_b exp(s) + t is right, and so are both log-determinants; only the inverse copied
the forward's ``* torch.exp(s)`` and flipped the shift alone.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from genspec.reference import *  # noqa: F401,F403

AREA = "flows"
TIER = "law"
CAUGHT_BY = "properties/test_protocols_flows.py::test_flow_round_trip"
SOURCE = ("plausible: the forward's `* torch.exp(s)` copied into the inverse with only the shift's sign "
          "flipped; cf. chrischute/real-nvp#15, where the scaling of the reverse pass was questioned, and "
          "pyro-ppl/pyro#2084 (AffineCoupling's inverse computed with the wrong network, fixed with a round-trip test in #2243)")


class AffineCoupling(nn.Module):
    def __init__(self, dim: int) -> None:
        super().__init__()
        self.h = dim // 2
        self.net = nn.Sequential(nn.Linear(self.h, 8), nn.Tanh(), nn.Linear(8, 2 * (dim - self.h)))

    def _st(self, xa: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        t, s = self.net(xa).chunk(2, dim=-1)
        return t, torch.tanh(s)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        xa, xb = x[..., :self.h], x[..., self.h:]
        t, s = self._st(xa)
        return torch.cat([xa, xb * torch.exp(s) + t], -1), s.sum(-1)

    def inverse(self, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        ya, yb = y[..., :self.h], y[..., self.h:]
        t, s = self._st(ya)
        return torch.cat([ya, (yb - t) * torch.exp(s)], -1), -s.sum(-1)  # BUG: exp(-s)


def _make(dim: int, *, generator: torch.Generator, dtype: torch.dtype = torch.float64) -> AffineCoupling:
    flow = AffineCoupling(dim)
    with torch.no_grad():
        for p in flow.parameters():
            p.copy_((torch.rand(p.shape, generator=generator) * 2 - 1) / math.sqrt(p.shape[-1]))
    return flow.to(dtype)


_make.dims = tuple(range(2, 9))
FLOWS = {"AffineCoupling": _make}
