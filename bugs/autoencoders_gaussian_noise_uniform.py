"""Gaussian corruption drawn with torch.rand (uniform on [0, 1)) instead of torch.randn (standard normal)."""
from reference import *  # noqa: F401,F403

import torch

AREA = "autoencoders"
CAUGHT_BY = "properties/test_corruptions_gaussian.py::test_gaussian_noise_has_standard_deviation_std"
SOURCE = ("plausible: the one-letter slip `torch.rand_like` for `torch.randn_like` (seed 001 uses "
          "np.random.normal); the noise is then non-negative with mean std/2 and variance std^2/12")


def gaussian_noise(x, std, *, clip=(0.0, 1.0), generator=None):
    if not float(std) >= 0:
        raise ValueError(f"std={std!r} must be non-negative")
    device = generator.device if generator is not None else x.device
    eps = torch.rand(x.shape, generator=generator, dtype=x.dtype, device=device).to(x.device)
    out = x + float(std) * eps
    return out if clip is None else out.clamp(*clip)
