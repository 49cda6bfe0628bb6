"""Denoising loss computed against the noisy input instead of the clean one: the model learns the identity."""
from reference import *  # noqa: F401,F403

from torch.nn import functional as F

AREA = "autoencoders"
CAUGHT_BY = ("properties/test_corruptions_denoising.py::"
             "test_denoising_loss_feeds_the_noisy_input_and_targets_the_clean_one")
SOURCE = ("plausible: `criterion(model(x_noisy), x_noisy)` — seed 001 fits (x_train_noisy, x_train); a "
          "training loop that reuses the input tensor as the target reconstructs the noise")


def denoising_loss(reconstruct, x, x_noisy):
    if x_noisy.shape != x.shape:
        raise ValueError("x_noisy must have the shape of x")
    return F.binary_cross_entropy_with_logits(reconstruct(x_noisy), x_noisy, reduction="none").mean(-1)
