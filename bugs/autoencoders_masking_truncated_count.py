"""Masking noise that zeroes int(fraction * D) coordinates (truncated) instead of round(fraction * D)."""
from genspec.reference import *  # noqa: F401,F403

import torch

AREA = "autoencoders"
TIER = "law"
CAUGHT_BY = ("properties/test_corruptions_masking_noise.py::"
             "test_masking_noise_zeroes_exactly_round_fraction_d_and_keeps_the_rest")
SOURCE = ("analogue: nathanmarlor/foxess_modbus#375 (Round rather than truncating number values: "
          "int(6.6 * 10) = 65); n_masked = int(corruption_level * n_features) truncates the same "
          "way (0.7 * 10 = 6.999... -> 6)")


def masking_noise(x, fraction, *, generator=None):
    if not 0.0 <= float(fraction) <= 1.0:
        raise ValueError(f"fraction={fraction!r} must lie in [0, 1]")
    k = int(float(fraction) * x.shape[-1])
    if k == 0:
        return x.clone()
    device = generator.device if generator is not None else x.device
    idx = torch.rand(x.shape, generator=generator, device=device).topk(k, dim=-1).indices
    mask = torch.zeros(x.shape, dtype=torch.bool, device=device).scatter_(-1, idx, True)
    return x.masked_fill(mask.to(x.device), 0)
