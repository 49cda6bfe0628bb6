r"""Seed 001's single-layer dense autoencoder, 784-32-784, and the base it shares with its variants.

``SingleLayerAE`` is one dense hidden layer, the code, between input and output:

    code = activation(W_e x + b_e)        (B, code)
    logits = W_d code + b_d               (B, D),   reconstruction = sigmoid(logits)

with ``activation`` ReLU here and in ``SparseL1AE``, sigmoid in ``SparseKLAE`` and ``ContractiveAE``
(whose penalties need a code in (0, 1)); the variants add their penalty to ``training_loss``.
``DenseAE`` is seed 001's model:

    code = relu(W_e x + b_e)              (B, 32)
    loss = pixel_bce(logits, x)           per-pixel binary cross-entropy (Keras ``binary_crossentropy``)

"32 floats -> compression of factor 24.5" (784 / 32 = 24.5). The seed trains 50 epochs, batch 256,
with Adadelta and reports a loss of 0.10 (its prose says "优化器为adam" but the code compiles with
``optimizer='adadelta'``).

References:
    Seed 001 (001_b5504797ad883274.txt), section "使用Keras建立简单的自编码器".
"""

from __future__ import annotations

from typing import Callable

import torch
from torch import nn
from torch.nn import functional as F

from genspec.models.autoencoders.base import Autoencoder, int_option

__all__ = ["DenseAE", "SingleLayerAE"]


class SingleLayerAE(Autoencoder):
    """``input_dim``-``code``-``input_dim``: ``code = activation(encoder(x))``, ``logits = decoder(code)``.

    Arguments:
        input_dim: D (784).
        code: size of the code.
        activation: the code's elementwise nonlinearity, ``(B, code) -> (B, code)``.
    """

    def __init__(self, input_dim: int, *, code: int,
                 activation: Callable[[torch.Tensor], torch.Tensor]) -> None:
        super().__init__()
        input_dim, code = int_option("input_dim", input_dim), int_option("code", code)
        self.input_shape = (input_dim,)
        self.activation = activation
        self.encoder = nn.Linear(input_dim, code)
        self.decoder = nn.Linear(code, input_dim)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, ...) -> (B, code)``."""
        return self.activation(self.encoder(self.prepare(x)))

    def decode_logits(self, code: torch.Tensor) -> torch.Tensor:
        """``(B, code) -> (B, D)`` logits."""
        return self.decoder(code)


class DenseAE(SingleLayerAE):
    """``input_dim``-``code``-``input_dim`` with a ReLU code and a sigmoid output.

    Arguments:
        input_dim: D (784).
        code: size of the code (seed 001: ``encoding_dim = 32``).
    """

    def __init__(self, input_dim: int = 784, *, code: int = 32) -> None:
        super().__init__(input_dim, code=code, activation=F.relu)
