r"""Seed 001's deep autoencoder, 784-128-64-32-64-128-784.

    code = relu(W3 relu(W2 relu(W1 x)))                 (B, 32)
    logits = W6 relu(W5 relu(W4 code))                  (B, 784),  loss = pixel_bce(logits, x)

ReLU everywhere but the sigmoid output. The seed trains 100 epochs, batch 256, Adadelta, and
reports a loss of about 0.097.

References:
    Seed 001 (001_b5504797ad883274.txt), section "深度自编码器：把自编码器叠起来".
"""

from __future__ import annotations

import torch
from torch import nn

from genspec.models.autoencoders.base import Autoencoder, sizes_option

__all__ = ["DeepAE"]


def _mlp(sizes: tuple[int, ...]) -> nn.Sequential:
    """Linear layers between consecutive ``sizes``, ReLU between them (none after the last)."""
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


class DeepAE(Autoencoder):
    """Mirror-image MLP autoencoder; ``sizes`` runs from the input to the code (784, 128, 64, 32)."""

    def __init__(self, sizes: tuple[int, ...] = (784, 128, 64, 32)) -> None:
        super().__init__()
        sizes = sizes_option("sizes", sizes)
        self.input_shape = (sizes[0],)
        self.sizes = sizes
        self.encoder = nn.Sequential(_mlp(sizes), nn.ReLU())
        self.decoder = _mlp(sizes[::-1])

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, ...) -> (B, sizes[-1])``."""
        return self.encoder(self.prepare(x))

    def decode_logits(self, code: torch.Tensor) -> torch.Tensor:
        """``(B, sizes[-1]) -> (B, sizes[0])`` logits."""
        return self.decoder(code)
