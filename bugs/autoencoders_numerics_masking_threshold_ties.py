"""masking_noise thresholds at the k-th smallest score: tied scores mask more than k coordinates.

Thresholding at ``kthvalue`` is the vectorised way to mask k coordinates; it counts ties, so all-equal
uniforms (every score 0, or every score 1 - 2^-24) mask the whole example instead of k coordinates.
"""
import torch

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.validation import real_number

AREA = "autoencoders"
TIER = "numerics"
CAUGHT_BY = "properties/test_corruptions_extremes.py::test_masking_noise_masks_exactly_k_when_every_score_ties"
SOURCE = ("plausible: 'mask = scores <= scores.kthvalue(k).values' as a vectorised k-subset, exact only when "
          "no two float32 scores tie (with 784 pixels two do in 1.8% of examples)")


def masking_noise(x: torch.Tensor, fraction: float, *, generator: torch.Generator | None = None) -> torch.Tensor:
    f = real_number("fraction", fraction)
    if not 0.0 <= f <= 1.0:
        raise ValueError(f"fraction={fraction!r} must lie in [0, 1]")
    if not isinstance(x, torch.Tensor) or x.dim() < 1:
        raise ValueError("x must be a tensor (*batch, D) with at least one dimension")
    k = round(f * x.shape[-1])
    if k == 0:
        return x.clone()
    device = generator.device if generator is not None else x.device
    scores = torch.rand(x.shape, generator=generator, device=device)
    mask = scores <= scores.kthvalue(k, dim=-1, keepdim=True).values  # BUG: ties mask more than k
    return x.masked_fill(mask.to(x.device), 0)
