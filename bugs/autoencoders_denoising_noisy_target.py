"""Denoising loss computed against the noisy input instead of the clean one: the model learns the identity."""
from genspec.reference import *  # noqa: F401,F403

from torch.nn import functional as F

AREA = "autoencoders"
TIER = "law"
CAUGHT_BY = ("properties/test_denoising.py::"
             "test_denoising_loss_feeds_the_noisy_input_and_targets_the_clean_one")
SOURCE = ("aapatel09/handson-unsupervised-learning#6 (Denoising Autoencoders target label: "
          "fit(x=noisy, y=noisy)); pkmital/tensorflow_tutorials#21 (the denoising cost computed "
          "against the noisy input; 'sorry, yes, fixed'); seed 001 fits (x_train_noisy, x_train)")


def denoising_loss(reconstruct, x, x_noisy):
    if x_noisy.shape != x.shape:
        raise ValueError("x_noisy must have the shape of x")
    return F.binary_cross_entropy_with_logits(reconstruct(x_noisy), x_noisy, reduction="none").mean(-1)
