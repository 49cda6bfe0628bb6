"""Gaussian corruption drawn with torch.rand (uniform on [0, 1)) instead of torch.randn (standard normal)."""
from genspec.reference import *  # noqa: F401,F403

import torch

AREA = "autoencoders"
TIER = "law"
CAUGHT_BY = "statistical/test_corruptions_gaussian_noise.py::test_gaussian_noise_has_standard_deviation_std"
SOURCE = ("toshikwa/slac.pytorch#5, fixed by #6 (torch.rand_like, uniform on [0, 1), where the "
          "model samples Gaussian noise); zhuangdizhu/FedGen#10 (torch.rand where N(0, I) is meant)")


def gaussian_noise(x, std, *, clip=(0.0, 1.0), generator=None):
    if not float(std) >= 0:
        raise ValueError(f"std={std!r} must be non-negative")
    device = generator.device if generator is not None else x.device
    eps = torch.rand(x.shape, generator=generator, dtype=x.dtype, device=device).to(x.device)
    out = x + float(std) * eps
    return out if clip is None else out.clamp(*clip)
