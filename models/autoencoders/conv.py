r"""Seed 001's convolutional autoencoder: 1x28x28 -> code 8x4x4 (128 numbers) -> 1x28x28.

Encoder (every convolution 3x3, 'same' padding, ReLU; every max-pool 2x2 with Keras'
``border_mode='same'``, which on an odd side pads at the end, i.e. ``ceil_mode=True``):

    1x28x28 -conv16-> 16x28x28 -pool-> 16x14x14 -conv8-> 8x14x14 -pool-> 8x7x7
            -conv8-> 8x7x7 -pool(ceil)-> 8x4x4                                   (the code)

Decoder (nearest-neighbour 2x upsampling, Keras ``UpSampling2D``):

    8x4x4 -conv8-> 8x4x4 -up-> 8x8x8 -conv8-> 8x8x8 -up-> 8x16x16
          -conv16 (valid, no padding)-> 16x14x14 -up-> 16x28x28 -conv1 (same)-> 1x28x28 logits

The seed's "(8, 4, 4) i.e. 128-dimensional" holds only because the last pool pads (7 -> 4); with
PyTorch's default floor pooling the code would be 8x3x3 and the decoder would return 20x20. The one
convolution without ``border_mode='same'`` (16 filters, valid) is what brings 16 back to 14 so that
the last upsampling lands on 28. The seed trains 50 epochs, batch 128, Adadelta: loss 0.094.

References:
    Seed 001 (001_b5504797ad883274.txt), section "卷积自编码器：用卷积层搭建自编码器".
"""

from __future__ import annotations

import torch
from torch import nn

from genspec.models.autoencoders.base import Autoencoder

__all__ = ["ConvAE", "conv_relu"]


def conv_relu(c_in: int, c_out: int, *, padding: int = 1) -> nn.Sequential:
    """3x3 convolution and ReLU; ``padding=1`` is Keras' 'same', 0 its 'valid'."""
    return nn.Sequential(nn.Conv2d(c_in, c_out, kernel_size=3, padding=padding), nn.ReLU())


def pool() -> nn.MaxPool2d:
    """2x2 max-pool with Keras ``border_mode='same'`` semantics: output side ceil(n / 2)."""
    return nn.MaxPool2d(2, ceil_mode=True)


def up() -> nn.Upsample:
    """Keras ``UpSampling2D((2, 2))``: nearest neighbour, factor 2."""
    return nn.Upsample(scale_factor=2, mode="nearest")


class ConvAE(Autoencoder):
    """The seed's convolutional autoencoder for ``(B, 1, 28, 28)`` images; code ``(B, 8, 4, 4)``."""

    input_shape = (1, 28, 28)

    def __init__(self) -> None:
        super().__init__()
        self.encoder = nn.Sequential(
            conv_relu(1, 16), pool(), conv_relu(16, 8), pool(), conv_relu(8, 8), pool(),
        )
        self.decoder = nn.Sequential(
            conv_relu(8, 8), up(), conv_relu(8, 8), up(), conv_relu(8, 16, padding=0), up(),
            nn.Conv2d(16, 1, kernel_size=3, padding=1),
        )

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, ...) -> (B, 8, 4, 4)``."""
        return self.encoder(self.prepare(x))

    def decode_logits(self, code: torch.Tensor) -> torch.Tensor:
        """``(B, 8, 4, 4) -> (B, 1, 28, 28)`` logits."""
        return self.decoder(code)
