"""An affine coupling whose log-determinant keeps the summed dimension: shape (*batch, 1), not batch.

``s.sum(-1, keepdim=True)``: added to a per-example log-likelihood of shape (B,) it broadcasts to a
(B, B) matrix, and a mean over it still gives a plausible-looking number.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from genspec.reference import *  # noqa: F401,F403

AREA = "flows"
TIER = "law"
CAUGHT_BY = "properties/test_protocols_flows.py::test_flow_shapes_and_dtypes"
SOURCE = ("analogue: mj-will/aspire#3 (bug in log-prob calculation: a rescaling's log-abs-det-Jacobian comes "
          "back with the event's shape (d,) instead of the batch's and broadcasts into log_prob); "
          "pytorch/pytorch#37162 (a log_prob of shape [n, 1] broadcast to [n, n])")


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
        return torch.cat([xa, xb * torch.exp(s) + t], -1), s.sum(-1, keepdim=True)  # BUG: keepdim

    def inverse(self, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        ya, yb = y[..., :self.h], y[..., self.h:]
        t, s = self._st(ya)
        return torch.cat([ya, (yb - t) * torch.exp(-s)], -1), -s.sum(-1, keepdim=True)  # BUG: keepdim


def _make(dim: int, *, generator: torch.Generator, dtype: torch.dtype = torch.float64) -> AffineCoupling:
    flow = AffineCoupling(dim)
    with torch.no_grad():
        for p in flow.parameters():
            p.copy_((torch.rand(p.shape, generator=generator) * 2 - 1) / math.sqrt(p.shape[-1]))
    return flow.to(dtype)


_make.dims = tuple(range(2, 9))
FLOWS = {"AffineCoupling": _make}
