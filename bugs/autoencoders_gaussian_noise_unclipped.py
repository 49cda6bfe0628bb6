"""Gaussian corruption without the clip to [0, 1] (seed 001: x_noisy = np.clip(x + 0.5 * noise, 0., 1.))."""
from genspec.reference import *  # noqa: F401,F403

import torch

AREA = "autoencoders"
TIER = "law"
CAUGHT_BY = ("properties/test_corruptions_gaussian_noise.py::"
             "test_gaussian_noise_respects_clip_and_is_the_clamp_of_the_unclipped_draw")
SOURCE = ("GarrickZ2/Image-Denoising#2 (clip noise bounds to 0~1); seed 001 clips: x_noisy = "
          "np.clip(x + 0.5 * noise, 0., 1.)")


def gaussian_noise(x, std, *, clip=(0.0, 1.0), generator=None):
    if not float(std) >= 0:
        raise ValueError(f"std={std!r} must be non-negative")
    device = generator.device if generator is not None else x.device
    eps = torch.randn(x.shape, generator=generator, dtype=x.dtype, device=device).to(x.device)
    return x + float(std) * eps
