"""An affine coupling whose inverse returns the forward's log-determinant, +sum s, instead of -sum s.

Both maps are right; the inverse's log|det ∂x/∂y| = -sum s(y_a) lost its sign (the same value is
returned for both directions).
"""

from __future__ import annotations

import math

import torch
from torch import nn

from genspec.reference import *  # noqa: F401,F403

AREA = "flows"
TIER = "law"
CAUGHT_BY = "properties/test_protocols_flows.py::test_flow_inverse_logdet_is_minus_forward_logdet"
SOURCE = ("VincentStimper/normalizing-flows#27, fixed by #28 (Fixed sign of log det of `forward_and_log_det` "
          "method); danielward27/flowjax#208 (wrong logdet sign in one direction)")


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
        return torch.cat([ya, (yb - t) * torch.exp(-s)], -1), s.sum(-1)  # BUG: -s.sum(-1)


def _make(dim: int, *, generator: torch.Generator, dtype: torch.dtype = torch.float64) -> AffineCoupling:
    flow = AffineCoupling(dim)
    with torch.no_grad():
        for p in flow.parameters():
            p.copy_((torch.rand(p.shape, generator=generator) * 2 - 1) / math.sqrt(p.shape[-1]))
    return flow.to(dtype)


_make.dims = tuple(range(2, 9))
FLOWS = {"AffineCoupling": _make}
