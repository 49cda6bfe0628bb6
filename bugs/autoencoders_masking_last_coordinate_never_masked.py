"""Masking noise that draws its k coordinates from the first D - 1 only: the last pixel is never zeroed.

Every example still loses exactly round(fraction * D) coordinates, each mask is independent of the
others, and the untouched coordinates keep their values: only the frequency with which each
coordinate is masked, k / D for every one, shows the off-by-one.
"""

from __future__ import annotations

import torch

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.validation import real_number

AREA = "autoencoders"
TIER = "law"
CAUGHT_BY = ("statistical/test_corruptions_masking_noise.py::"
             "test_masking_noise_masks_each_coordinate_with_probability_k_over_d")
SOURCE = ("plausible: an index range written with an inclusive upper end where it is exclusive, "
          "torch.randint(0, D - 1, ...) or scores[..., :D - 1] for numpy's / Python's random.randint(0, D - 1); "
          "the count of masked coordinates stays right, so count checks pass")


def masking_noise(x: torch.Tensor, fraction: float, *, generator: torch.Generator | None = None) -> torch.Tensor:
    f = real_number("fraction", fraction)
    if not 0.0 <= f <= 1.0:
        raise ValueError(f"fraction={fraction!r} must lie in [0, 1]")
    d = x.shape[-1]
    k = round(f * d)
    if k == 0:
        return x.clone()
    device = generator.device if generator is not None else x.device
    scores = torch.rand(x.shape, generator=generator, device=device)
    scores[..., d - 1] = -1.0  # BUG: the last coordinate never among the top k (unless k = D)
    idx = scores.topk(k, dim=-1).indices
    mask = torch.zeros(x.shape, dtype=torch.bool, device=device).scatter_(-1, idx, True)
    return x.masked_fill(mask.to(x.device), 0)
