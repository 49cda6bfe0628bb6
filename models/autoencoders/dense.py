r"""Seed 001's single-layer dense autoencoder, 784-32-784.

    code = relu(W_e x + b_e)              (B, 32)
    logits = W_d code + b_d               (B, 784),   reconstruction = sigmoid(logits)
    loss = pixel_bce(logits, x)           per-pixel binary cross-entropy (Keras ``binary_crossentropy``)

"32 floats -> compression of factor 24.5" (784 / 32 = 24.5). The seed trains 50 epochs, batch 256,
with Adadelta and reports a loss of 0.10 (its prose says "优化器为adam" but the code compiles with
``optimizer='adadelta'``).

References:
    Seed 001 (001_b5504797ad883274.txt), section "使用Keras建立简单的自编码器".
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from genspec.models.autoencoders.base import Autoencoder, int_option

__all__ = ["DenseAE"]


class DenseAE(Autoencoder):
    """``input_dim``-``code``-``input_dim`` with a ReLU code and a sigmoid output.

    Arguments:
        input_dim: D (784).
        code: size of the code (seed 001: ``encoding_dim = 32``).
    """

    def __init__(self, input_dim: int = 784, *, code: int = 32) -> None:
        super().__init__()
        input_dim, code = int_option("input_dim", input_dim), int_option("code", code)
        self.input_shape = (input_dim,)
        self.encoder = nn.Linear(input_dim, code)
        self.decoder = nn.Linear(code, input_dim)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, ...) -> (B, code)``, non-negative."""
        return F.relu(self.encoder(self.prepare(x)))

    def decode_logits(self, code: torch.Tensor) -> torch.Tensor:
        """``(B, code) -> (B, D)`` logits."""
        return self.decoder(code)
