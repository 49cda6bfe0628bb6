"""Masking noise that draws one mask and applies it to every example of the batch."""
from genspec.reference import *  # noqa: F401,F403

import torch

AREA = "autoencoders"
TIER = "law"
CAUGHT_BY = "statistical/test_corruptions_masking_noise.py::test_masking_noise_masks_are_independent_across_examples"
SOURCE = ("analogue: clab/dynet#812 (draw LSTM dropout masks per sentence, not per minibatch: one "
          "mask was shared by every sentence of the batch)")


def masking_noise(x, fraction, *, generator=None):
    if not 0.0 <= float(fraction) <= 1.0:
        raise ValueError(f"fraction={fraction!r} must lie in [0, 1]")
    d = x.shape[-1]
    k = round(float(fraction) * d)
    idx = torch.randperm(d, generator=generator)[:k].to(x.device)
    out = x.clone()
    out[..., idx] = 0
    return out
