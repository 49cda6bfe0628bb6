"""Shared plumbing of the peer coupling adapters: batch flattening and net wrapping.

Several peers accept only a ``(N, D)`` input (one batch dimension) while the contract has any number
of leading batch dimensions, ``(*batch, D)``, including none. Flattening the batch dimensions into
one and restoring them afterwards is exact (a reshape, no arithmetic), so it is an honest
translation: the peer's own arithmetic still produces every number the checks see.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn


class Callable2Module(nn.Module):
    """Wraps a plain callable ``net`` so it can be registered as a submodule."""

    def __init__(self, fn: Callable[[torch.Tensor], torch.Tensor]) -> None:
        super().__init__()
        self.fn = fn

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fn(x)


def as_module(net: Callable[[torch.Tensor], torch.Tensor]) -> nn.Module:
    """``net`` itself if it is an ``nn.Module``, else a module calling it."""
    return net if isinstance(net, nn.Module) else Callable2Module(net)


def as_bool_mask(mask: torch.Tensor | list[bool] | tuple[bool, ...]) -> torch.Tensor:
    """The contract's mask as a 1-D bool tensor (True: pass-through and conditioning)."""
    mask = torch.as_tensor(mask)
    if mask.dtype != torch.bool:
        raise ValueError(f"mask must be a bool tensor, but has dtype {mask.dtype}")
    if mask.dim() != 1:
        raise ValueError(f"mask must be 1-D, but has shape {tuple(mask.shape)}")
    return mask


def flatten_batch(x: torch.Tensor) -> tuple[torch.Tensor, torch.Size]:
    """``(*batch, D) -> (N, D)`` and ``batch``; a rank-1 input becomes ``(1, D)``."""
    if x.dim() == 0:
        raise ValueError(f"x must have at least one (event) dimension, but has shape {tuple(x.shape)}")
    batch = x.shape[:-1]
    return x.reshape(-1, x.shape[-1]), batch


def unflatten_batch(
    y: torch.Tensor, logdet: torch.Tensor | float, batch: torch.Size
) -> tuple[torch.Tensor, torch.Tensor | float]:
    """``(N, D), (N,) -> (*batch, D), batch``; a non-tensor ``logdet`` is returned untouched."""
    y = y.reshape(*batch, y.shape[-1])
    if isinstance(logdet, torch.Tensor):
        logdet = logdet.reshape(batch)
    return y, logdet
