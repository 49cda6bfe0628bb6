"""Masking noise that zeroes each coordinate independently with probability `fraction` (a Bernoulli mask).

The count of zeros per example is then Binomial(D, fraction), not the fixed round(fraction * D) of
Vincent et al. 2008.
"""
from genspec.reference import *  # noqa: F401,F403

import torch

AREA = "autoencoders"
TIER = "law"
CAUGHT_BY = ("properties/test_corruptions_masking_noise.py::"
             "test_masking_noise_zeroes_exactly_round_fraction_d_and_keeps_the_rest")
SOURCE = ("seen in public code: the Theano deeplearning.net denoising-autoencoder tutorial "
          "(`dA.get_corrupted_input`: `theano_rng.binomial(size=input.shape, n=1, p=1 - corruption_level) "
          "* input`) and pylearn2's BinomialCorruptor")


def masking_noise(x, fraction, *, generator=None):
    if not 0.0 <= float(fraction) <= 1.0:
        raise ValueError(f"fraction={fraction!r} must lie in [0, 1]")
    device = generator.device if generator is not None else x.device
    drop = torch.rand(x.shape, generator=generator, device=device).to(x.device) < fraction
    return x.masked_fill(drop, 0)
