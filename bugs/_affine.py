"""A correct affine coupling, the base of the catalogue's affine-coupling entries (not an entry itself).

y_a = x_a, y_b = x_b exp(s(x_a)) + t(x_a) with s = tanh(·) of a small net's output; the forward
log-determinant is sum s, the inverse's -sum s (Dinh et al. 2017, RealNVP, eq. (4)-(6)). An entry
subclasses :class:`AffineCoupling` and overrides the one method that carries its bug, so the bug is
the whole difference.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import torch
from torch import nn

__all__ = ["AffineCoupling", "flows"]


class AffineCoupling(nn.Module):
    """Affine coupling on ``(*batch, dim)``: the first ``dim // 2`` coordinates condition the rest."""

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.h = dim // 2
        self.net = nn.Sequential(nn.Linear(self.h, 8), nn.Tanh(), nn.Linear(8, 2 * (dim - self.h)))

    def shift_and_log_scale(self, xa: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``(t, s)`` of shape ``(*batch, dim - h)`` from the conditioning half ``xa``."""
        t, s = self.net(xa).chunk(2, dim=-1)
        return t, torch.tanh(s)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Data to latent: ``(y, sum s)``, ``y`` of shape ``(*batch, dim)``, the logdet of shape ``batch``."""
        xa, xb = x[..., :self.h], x[..., self.h:]
        t, s = self.shift_and_log_scale(xa)
        return torch.cat([xa, xb * torch.exp(s) + t], -1), s.sum(-1)

    def inverse(self, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Latent to data: ``(x, -sum s)``."""
        ya, yb = y[..., :self.h], y[..., self.h:]
        t, s = self.shift_and_log_scale(ya)
        return torch.cat([ya, (yb - t) * torch.exp(-s)], -1), -s.sum(-1)


def flows(cls: type[AffineCoupling]) -> dict[str, Callable[..., Any]]:
    """The ``FLOWS`` registry of an entry: ``{"AffineCoupling": make}`` for dims 2-8, weights drawn
    uniformly in ±1/sqrt(fan_in) from the generator."""

    def make(dim: int, *, generator: torch.Generator, dtype: torch.dtype = torch.float64) -> AffineCoupling:
        flow = cls(dim)
        with torch.no_grad():
            for p in flow.parameters():
                p.copy_((torch.rand(p.shape, generator=generator) * 2 - 1) / math.sqrt(p.shape[-1]))
        return flow.to(dtype)

    make.dims = tuple(range(2, 9))  # type: ignore[attr-defined]
    return {"AffineCoupling": make}
