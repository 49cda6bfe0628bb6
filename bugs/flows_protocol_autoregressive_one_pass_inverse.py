"""A masked autoregressive flow whose inverse runs in one pass: mu, alpha = MADE(u), x = u exp(alpha) + mu.

The forward u = (x - mu(x)) exp(-alpha(x)) is right. Its inverse must rebuild x one coordinate at a
time (mu_i and alpha_i depend on x_<i, which is not known yet: D passes); conditioning the MADE on u
instead inverts only the first coordinate.
"""

from __future__ import annotations

import math

import torch
from torch import nn
import torch.nn.functional as F

from genspec.reference import *  # noqa: F401,F403

AREA = "flows"
TIER = "law"
CAUGHT_BY = "properties/test_protocols_flows.py::test_flow_round_trip"
SOURCE = ("seen in public code: a conditional MAF built on Karpathy's pytorch-made (class MAF with fmualpha and "
          "load_context) whose invert(u, context) computes mu, alpha = fmualpha(u) and returns "
          "u * torch.exp(alpha) + mu in one pass; cf. rll/deepul#10 (MADE sampling in the wrong order)")


class MAFLayer(nn.Module):
    def __init__(self, dim: int, hidden: int = 8) -> None:
        super().__init__()
        d_in = torch.arange(1, dim + 1)
        d_hidden = torch.arange(hidden) % max(1, dim - 1) + 1
        self.register_buffer("m1", (d_hidden[:, None] >= d_in[None, :]).double())
        self.register_buffer("m2", (d_in[:, None] > d_hidden[None, :]).repeat(2, 1).double())
        self.l1, self.l2 = nn.Linear(dim, hidden), nn.Linear(hidden, 2 * dim)

    def _made(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = torch.tanh(F.linear(x, self.l1.weight * self.m1.to(x.dtype), self.l1.bias))
        mu, alpha = F.linear(h, self.l2.weight * self.m2.to(x.dtype), self.l2.bias).chunk(2, dim=-1)
        return mu, torch.tanh(alpha)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        mu, alpha = self._made(x)
        return (x - mu) * torch.exp(-alpha), -alpha.sum(-1)

    def inverse(self, u: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        mu, alpha = self._made(u)  # BUG: must be rebuilt from x_<i, one coordinate per pass
        return u * torch.exp(alpha) + mu, alpha.sum(-1)


def _make(dim: int, *, generator: torch.Generator, dtype: torch.dtype = torch.float64) -> MAFLayer:
    flow = MAFLayer(dim)
    with torch.no_grad():
        for p in flow.parameters():
            p.copy_((torch.rand(p.shape, generator=generator) * 2 - 1) / math.sqrt(p.shape[-1]))
    return flow.to(dtype)


FLOWS = {"MAF": _make}
