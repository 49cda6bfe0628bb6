"""Masking noise that draws one mask per pair of examples: row 2i's mask is reused for row 2i + 1.

Every row still has exactly round(fraction * D) zeros at uniformly random places, and half the rows
are independent of each other, so a check that only asks for "more than one distinct mask in the
batch" passes; the masks of rows 2i and 2i + 1 are identical.
"""
from genspec.reference import *  # noqa: F401,F403

import torch

AREA = "autoencoders"
TIER = "law"
CAUGHT_BY = "statistical/test_corruptions_masking_noise.py::test_masking_noise_masks_are_independent_across_examples"
SOURCE = ("plausible: drawing noise for half the batch and `repeat_interleave(2, dim=0)` to fill it, as "
          "code that builds two 'views' of each example does, or indexing the masks with `i // 2`")


def masking_noise(x, fraction, *, generator=None):
    if isinstance(fraction, bool) or not 0.0 <= float(fraction) <= 1.0:
        raise ValueError(f"fraction={fraction!r} must lie in [0, 1]")
    d = x.shape[-1]
    k = round(float(fraction) * d)
    if k == 0:
        return x.clone()
    flat = x.reshape(-1, d)
    n = flat.shape[0]
    device = generator.device if generator is not None else x.device
    scores = torch.rand(((n + 1) // 2, d), generator=generator, device=device)
    idx = scores.topk(k, dim=-1).indices.repeat_interleave(2, dim=0)[:n]  # BUG: one mask per pair of rows
    mask = torch.zeros((n, d), dtype=torch.bool, device=device).scatter_(-1, idx, True)
    return flat.masked_fill(mask.to(x.device), 0).reshape(x.shape)
