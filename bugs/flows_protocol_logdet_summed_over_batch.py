"""An affine coupling whose log-determinant is summed over the whole batch: one number, not one per example.

``s.sum()`` where ``s.sum(-1)`` is meant: for one example it is right, for a batch the result is a
scalar that broadcasts silently against per-example log-likelihoods.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from genspec.reference import *  # noqa: F401,F403

AREA = "flows"
TIER = "law"
CAUGHT_BY = "properties/test_protocols_flows.py::test_flow_shapes_and_dtypes"
SOURCE = ("wohlert/semi-supervised-pytorch#21 (the flows' log-det, one value per example, reduced over the "
          "batch by sum() before being subtracted from each example's log q(z))")


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
        return torch.cat([xa, xb * torch.exp(s) + t], -1), s.sum()  # BUG: s.sum(-1)

    def inverse(self, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        ya, yb = y[..., :self.h], y[..., self.h:]
        t, s = self._st(ya)
        return torch.cat([ya, (yb - t) * torch.exp(-s)], -1), -s.sum()  # BUG: -s.sum(-1)


def _make(dim: int, *, generator: torch.Generator, dtype: torch.dtype = torch.float64) -> AffineCoupling:
    flow = AffineCoupling(dim)
    with torch.no_grad():
        for p in flow.parameters():
            p.copy_((torch.rand(p.shape, generator=generator) * 2 - 1) / math.sqrt(p.shape[-1]))
    return flow.to(dtype)


_make.dims = tuple(range(2, 9))
FLOWS = {"AffineCoupling": _make}
