"""Composition of flow layers: the log-determinants of the layers add up.

For layers f_1, ..., f_K, each returning ``(output, log_det)``, the composite
f = f_K ∘ ... ∘ f_1 maps x = h_0 -> h_1 -> ... -> h_K = z and, by the chain rule,

    dz/dx = J_K ... J_1,   so   log|det dz/dx| = sum_k log|det J_k|(h_{k-1}).

The inverse applies the layers' inverses in reverse order and its log_det is minus the
forward one at the corresponding point.

References:
    Dinh, Krueger, Bengio, "NICE", arXiv:1410.8516, section 3.3 (combining coupling layers).
    Seed 003_2bb67353180af150.txt, section flow / 细水长flow: equation (10), the chain
    x = h^(0) <-> h^(1) <-> ... <-> h^(n) = z; equation (11), the product of Jacobians.
"""

from __future__ import annotations

from collections.abc import Iterable

import torch
from torch import nn

__all__ = ["FlowSequential"]


class FlowSequential(nn.Module):
    """Layers applied in order; their log_dets are summed.

    Args:
        layers: modules whose ``forward`` and ``inverse`` map ``(*batch, D)`` to
            ``((*batch, D), (*batch,))``; at least one.
    """

    def __init__(self, layers: Iterable[nn.Module]) -> None:
        super().__init__()
        self.layers = nn.ModuleList(layers)
        if len(self.layers) == 0:
            raise ValueError("layers must hold at least one flow layer")

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Data to latent: ``(*batch, D) -> ((*batch, D), (*batch,))``."""
        log_det = x.new_zeros(x.shape[:-1])
        for layer in self.layers:
            x, ld = layer(x)
            log_det = log_det + ld
        return x, log_det

    def inverse(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Latent to data: ``(*batch, D) -> ((*batch, D), (*batch,))``."""
        log_det = z.new_zeros(z.shape[:-1])
        for layer in reversed(self.layers):
            z, ld = layer.inverse(z)
            log_det = log_det + ld
        return z, log_det
