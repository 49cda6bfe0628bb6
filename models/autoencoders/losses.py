r"""The losses of seed 001's Keras autoencoders, in the units the seed reports them.

Keras' ``binary_crossentropy`` is the mean over the last axis of the per-element cross-entropy, and
``fit`` reports the mean over the batch; on 784-pixel images this is the *per-pixel* BCE,

    pixel_bce(logits, x) = mean_{b, i} [ softplus(logits[b, i]) − x[b, i] · logits[b, i] ],

the unit of the seed's reported losses (0.10 dense, 0.11 sparse, 0.097 deep, 0.094 convolutional).
A regulariser is added on top of it per example and averaged over the batch, as Keras adds
``activity_regularizer`` terms (seed 001's sparse model: 0.11 = 0.10-ish BCE + ~0.01 of L1).

Because MNIST pixels are grey levels, not binary, the BCE of a *perfect* reconstruction is the
mean binary entropy of the pixels, not 0 (``pixel_entropy``): the reported losses measure the gap
above that floor plus the floor itself.

For the papers whose objective sums the reconstruction error over pixels (Ng's sparse
autoencoder, Rifai et al.'s contractive one), ``per_pixel`` divides that whole objective by D, so
that the regulariser weight keeps the paper's meaning while the loss stays in seed 001's unit.

References:
    Seed 001 (001_b5504797ad883274.txt): ``autoencoder.compile(optimizer='adadelta',
    loss='binary_crossentropy')`` and the reported losses in each section.
"""

from __future__ import annotations

import torch
from torch.nn import functional as F

__all__ = ["per_pixel", "pixel_bce", "pixel_entropy"]


def pixel_bce(logits: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Per-pixel binary cross-entropy, mean over pixels and batch: ``(B, ...)`` twice -> 0-d."""
    if logits.shape != x.shape:
        raise ValueError(f"logits of shape {tuple(logits.shape)} do not fit x of shape {tuple(x.shape)}")
    return F.binary_cross_entropy_with_logits(logits, x, reduction="mean")


def pixel_entropy(x: torch.Tensor) -> torch.Tensor:
    """The floor of ``pixel_bce`` at target x: mean binary entropy ``−x log x − (1−x) log(1−x)``, 0-d."""
    return (-(torch.xlogy(x, x) + torch.xlogy(1 - x, 1 - x))).mean()


def per_pixel(penalty: torch.Tensor, num_pixels: int) -> torch.Tensor:
    """A per-example penalty of a pixel-summed objective in per-pixel units: ``mean_b(penalty) / D``."""
    return penalty.mean() / num_pixels
