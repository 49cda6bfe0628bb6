"""The additive coupling layer of NICE: a volume-preserving bijection with a trivial inverse.

With the coordinates split by a bool ``mask`` into x1 = x[mask] (pass through, condition the
shift) and x2 = x[~mask] (shifted), and any function ``net`` from x1's size to x2's size:

    forward  (data -> latent):  y1 = x1,   y2 = x2 + net(x1),   log_det = 0
    inverse  (latent -> data):  x1 = y1,   x2 = y2 - net(y1),   log_det = 0

In the block order (mask coordinates first) the Jacobian is unit lower triangular,

    dy/dx = [[I, 0], [d net / d x1, I]],   so det = 1 and log|det| = 0,

whatever ``net`` is: it need not be invertible, and is never inverted.

References:
    Dinh, Krueger, Bengio, "NICE: Non-linear Independent Components Estimation",
    arXiv:1410.8516, section 3.2 (additive coupling layer) and its inverse.
    Seed 003_2bb67353180af150.txt, section flow / 分块耦合层: equation (7) h1 = x1,
    h2 = x2 + m(x1); equation (8), the unit-triangular Jacobian; equation (9), the inverse.
"""

from __future__ import annotations

from typing import Callable

import torch
from torch import nn

from genspec.reference.validation import check_callable, check_floating, check_tensor, expected

__all__ = ["AdditiveCoupling"]


class AdditiveCoupling(nn.Module):
    """``y[mask] = x[mask]``, ``y[~mask] = x[~mask] + net(x[mask])``; log_det = 0.

    Args:
        mask: bool tensor of shape ``(D,)``; True marks x1 (unchanged, conditions the shift),
            False marks x2 (shifted). Both sides must be non-empty.
        net: maps ``(*batch, mask.sum())`` to ``(*batch, (~mask).sum())``; any function, e.g. an MLP.
    """

    mask: torch.Tensor

    def __init__(self, mask: torch.Tensor, net: nn.Module | Callable[[torch.Tensor], torch.Tensor]) -> None:
        super().__init__()
        check_tensor("mask", mask)
        if mask.dtype != torch.bool or mask.dim() != 1:
            raise ValueError(expected("mask", mask, "be a 1-d bool tensor"))
        n_cond = int(mask.sum())
        if n_cond == 0 or n_cond == mask.numel():
            raise ValueError(expected("mask", mask, "select a non-empty part on both sides of the partition",
                                      f"{n_cond} of {mask.numel()} coordinates passing through"))
        check_callable("net", net)
        self.register_buffer("mask", mask.clone())
        self.net = net

    @property
    def dim(self) -> int:
        """D, the number of coordinates."""
        return self.mask.numel()

    def _split(self, x: torch.Tensor, name: str) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        check_floating(name, x)
        if x.dim() < 1 or x.shape[-1] != self.dim:
            raise ValueError(expected(name, x, f"have shape (*batch, D) with D={self.dim}, the mask's length",
                                      f"shape {tuple(x.shape)}"))
        cond_index = torch.nonzero(self.mask).squeeze(-1)
        shift_index = torch.nonzero(~self.mask).squeeze(-1)
        return x.index_select(-1, cond_index), x.index_select(-1, shift_index), cond_index, shift_index

    def _shift(self, x1: torch.Tensor, n_shift: int) -> torch.Tensor:
        shift = self.net(x1)
        if not isinstance(shift, torch.Tensor):
            raise TypeError(expected("net", self.net, "return a torch.Tensor", f"a {type(shift).__name__}"))
        if shift.shape != (*x1.shape[:-1], n_shift):
            raise ValueError(expected("net", self.net, f"map an input of shape {tuple(x1.shape)} to shape "
                                      f"{(*x1.shape[:-1], n_shift)} (the False entries of mask)",
                                      f"shape {tuple(shift.shape)}"))
        return shift

    def _merge(self, x1: torch.Tensor, x2: torch.Tensor, cond_index: torch.Tensor, shift_index: torch.Tensor) -> torch.Tensor:
        order = torch.cat([cond_index, shift_index])
        return torch.cat([x1, x2], dim=-1).index_select(-1, torch.argsort(order))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Data to latent. ``x``: ``(*batch, D)``. Returns ``y`` ``(*batch, D)`` and log_det ``(*batch,)``."""
        x1, x2, cond_index, shift_index = self._split(x, "x")
        y2 = x2 + self._shift(x1, x2.shape[-1])
        return self._merge(x1, y2, cond_index, shift_index), x.new_zeros(x.shape[:-1])

    def inverse(self, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Latent to data. ``y``: ``(*batch, D)``. Returns ``x`` ``(*batch, D)`` and log_det ``(*batch,)``."""
        y1, y2, cond_index, shift_index = self._split(y, "y")
        x2 = y2 - self._shift(y1, y2.shape[-1])
        return self._merge(y1, x2, cond_index, shift_index), y.new_zeros(y.shape[:-1])

    def extra_repr(self) -> str:
        return f"dim={self.dim}, pass_through={int(self.mask.sum())}"
