r"""Denoising autoencoders: seed 001's convolutional denoiser, with Gaussian or masking noise.

Training pairs a corrupted input with its clean target (seed 001:
``autoencoder.fit(x_train_noisy, x_train)``):

    x_noisy = gaussian_noise(x, 0.5, clip=(0, 1))        (seed 001: noise_factor = 0.5, np.clip)
           or masking_noise(x, fraction)                 (seed 002 / Vincent et al. 2008)
    loss = mean_b denoising_loss(model, x, x_noisy)      (per-pixel BCE against the clean x)

Architecture (3x3 'same' convolutions with ReLU, 2x2 max-pools, nearest upsampling):

    1x28x28 -conv32-> -pool-> 32x14x14 -conv32-> -pool-> 32x7x7                 (the code)
    32x7x7 -conv32-> -up-> 32x14x14 -conv32-> -up-> 32x28x28 -conv1-> 1x28x28 logits

The seed trains 100 epochs, batch 128, Adadelta, and reports no number for this model.
``reconstruct(x)`` reconstructs its input as given; ``denoise`` is the same map, named for use on
noisy inputs.

References:
    Vincent, Larochelle, Bengio, Manzagol, ICML 2008, Section 2.3.
    Seed 001 (001_b5504797ad883274.txt), section "使用自动编码器进行图像去噪".
    Seed 002 (002_5243b5eda1672e89.txt), section "Denoising AutoEncoder".
"""

from __future__ import annotations

import math

import torch
from torch import nn

from genspec.models.autoencoders.base import Autoencoder, real_option
from genspec.models.autoencoders.conv import conv_relu, pool, up
from genspec.reference import denoising_loss, gaussian_noise, masking_noise

__all__ = ["CORRUPTIONS", "DenoisingConvAE"]

CORRUPTIONS = ("gaussian", "masking")


class DenoisingConvAE(Autoencoder):
    """Seed 001's convolutional denoiser.

    Arguments:
        corruption: ``"gaussian"`` (additive, clipped to [0, 1]) or ``"masking"``.
        std: the Gaussian noise factor (0.5), a non-negative finite real number.
        fraction: the masked fraction of pixels for masking noise, a real number in [0, 1] (0.25,
            one of Vincent et al.'s levels; the seeds give none).
    """

    input_shape = (1, 28, 28)

    def __init__(self, *, corruption: str = "gaussian", std: float = 0.5, fraction: float = 0.25) -> None:
        super().__init__()
        if not isinstance(corruption, str) or corruption not in CORRUPTIONS:
            raise ValueError(f"corruption={corruption!r}, but should be one of {CORRUPTIONS}")
        std_f, fraction_f = real_option("std", std), real_option("fraction", fraction)
        if not (math.isfinite(std_f) and std_f >= 0):
            raise ValueError(f"std={std!r}, but should be a non-negative finite number")
        if not 0.0 <= fraction_f <= 1.0:  # also rejects NaN
            raise ValueError(f"fraction={fraction!r}, but should lie in [0, 1]")
        self.corruption, self.std, self.fraction = corruption, std_f, fraction_f
        self.encoder = nn.Sequential(conv_relu(1, 32), pool(), conv_relu(32, 32), pool())
        self.decoder = nn.Sequential(conv_relu(32, 32), up(), conv_relu(32, 32), up(),
                                     nn.Conv2d(32, 1, kernel_size=3, padding=1))

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, ...) -> (B, 32, 7, 7)``."""
        return self.encoder(self.prepare(x))

    def decode_logits(self, code: torch.Tensor) -> torch.Tensor:
        """``(B, 32, 7, 7) -> (B, 1, 28, 28)`` logits."""
        return self.decoder(code)

    def corrupt(self, x: torch.Tensor, *, generator: torch.Generator | None = None) -> torch.Tensor:
        """The corrupted batch, shaped like ``x``; masking acts on each example's D pixels."""
        xp = self.prepare(x)
        if self.corruption == "gaussian":
            return gaussian_noise(xp, self.std, clip=(0.0, 1.0), generator=generator).reshape(x.shape)
        flat = xp.reshape(xp.shape[0], -1)
        return masking_noise(flat, self.fraction, generator=generator).reshape(x.shape)

    def denoise(self, x_noisy: torch.Tensor) -> torch.Tensor:
        """The reconstruction of a (noisy) batch, shaped like it."""
        return self(x_noisy)

    def training_loss(self, x: torch.Tensor, *, generator: torch.Generator | None = None,
                      step: int | None = None) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """Per-pixel BCE of the reconstruction of ``corrupt(x)`` against the clean ``x``."""
        xp = self.prepare(x)
        x_flat = xp.reshape(xp.shape[0], -1)
        x_noisy = self.corrupt(x_flat, generator=generator)

        def reconstruct(inp: torch.Tensor) -> torch.Tensor:  # (B, D) -> (B, D) logits
            return self.logits(inp).reshape(inp.shape)

        loss = denoising_loss(reconstruct, x_flat, x_noisy).mean()
        return loss, {"bce_vs_clean": loss.detach()}
