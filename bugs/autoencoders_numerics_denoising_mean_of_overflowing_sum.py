"""denoising_loss as a float32 mean of per-pixel BCE: the sum overflows where the mean is finite.

``F.binary_cross_entropy_with_logits(...).mean(-1)`` accumulates the per-pixel terms in float32; two
pixels of BCE 2e38 sum to inf although their mean, the loss, is 2e38.
"""
import torch
import torch.nn.functional as F

from genspec.reference import *  # noqa: F401,F403

AREA = "autoencoders"
TIER = "numerics"
CAUGHT_BY = "properties/test_denoising_numerics.py::test_denoising_loss_at_saturated_logits"
SOURCE = ("plausible: Keras' binary_crossentropy (a mean over the last axis) in the logits' dtype, the "
          "reference's own form until the numerics review")


def denoising_loss(reconstruct, x: torch.Tensor, x_noisy: torch.Tensor) -> torch.Tensor:
    if not isinstance(x, torch.Tensor) or x.dim() < 1:
        raise ValueError("x must be a tensor (*batch, D) with at least one dimension")
    if not isinstance(x_noisy, torch.Tensor) or x_noisy.shape != x.shape:
        raise ValueError("x_noisy must have the shape of x")
    logits = reconstruct(x_noisy)
    if not isinstance(logits, torch.Tensor) or logits.shape != x.shape:
        raise ValueError("reconstruct must return logits of the shape of x")
    return F.binary_cross_entropy_with_logits(logits, x, reduction="none").mean(-1)  # BUG: sum overflows
