r"""Input corruptions of denoising auto-encoders: masking noise and additive Gaussian noise.

Masking noise (Vincent et al. 2008, Section 2.3 "the corruption process"): for each example, a
fixed number ``k = round(fraction · D)`` of its ``D`` coordinates, chosen uniformly at random and
independently across examples, are set to 0; the others are left untouched:

    masking_noise(x, fraction)[..., i] = 0 if i ∈ S else x[..., i],   S ⊂ {0..D−1}, |S| = k

(``round`` is Python's, half to even.) Zeroing each coordinate independently with probability
``fraction`` (a Bernoulli mask, as in the Theano dA tutorial) is a different corruption: its count
is Binomial(D, fraction), not k.

Gaussian noise (seed 001, "使用自动编码器进行图像去噪"):

    gaussian_noise(x, std, clip=(lo, hi)) = clamp(x + std · eps, lo, hi),   eps ~ N(0, I)

with seed 001's ``noise_factor = 0.5`` and ``np.clip(x_noisy, 0., 1.)``; ``clip=None`` skips the clamp.

Both draw their randomness from ``generator`` (on the generator's device; the result is moved to
``x``'s device) and return a new tensor of ``x``'s shape, dtype and device. ``fraction``, ``std`` and
the ends of ``clip`` must be real numbers (int or float, not bool); anything else raises
``ValueError`` naming the argument.

References:
    Vincent, Larochelle, Bengio, Manzagol, Extracting and Composing Robust Features with Denoising
    Autoencoders, ICML 2008, Section 2.3 (masking a fixed number νd of components).
    Seed 002 (002_5243b5eda1672e89.txt), section "Denoising AutoEncoder" (pixels masked "以一定概率",
    with some probability — see the module docstring for the paper's fixed count).
    Seed 001 (001_b5504797ad883274.txt), section "使用自动编码器进行图像去噪" (Gaussian, clipped).
"""

from __future__ import annotations

import torch

from genspec.reference.validation import (
    check_event, check_floating, check_generator, check_tensor, expected, non_negative_number, number_in, real_number,
)

__all__ = ["gaussian_noise", "masking_noise"]


def _noise_device(x: torch.Tensor, generator: torch.Generator | None) -> torch.device:
    check_generator(generator)
    return generator.device if generator is not None else x.device


def masking_noise(x: torch.Tensor, fraction: float, *, generator: torch.Generator | None = None) -> torch.Tensor:
    """Zero exactly ``round(fraction · D)`` random coordinates of each example.

    Args:
        x: ``(*batch, D)``.
        fraction: the fraction of coordinates to zero, a real number in [0, 1].
        generator: the source of randomness.

    Returns:
        ``(*batch, D)``, a new tensor; unmasked coordinates equal ``x`` exactly.
    """
    f = number_in("fraction", fraction, 0.0, 1.0)
    check_tensor("x", x)
    check_event("x", x)
    check_generator(generator)
    k = round(f * x.shape[-1])
    if k == 0:
        return x.clone()
    scores = torch.rand(x.shape, generator=generator, device=_noise_device(x, generator))
    idx = scores.topk(k, dim=-1).indices                     # (*batch, k): a uniform random k-subset
    mask = torch.zeros(x.shape, dtype=torch.bool, device=scores.device).scatter_(-1, idx, True)
    return x.masked_fill(mask.to(x.device), 0)


def gaussian_noise(
    x: torch.Tensor,
    std: float,
    *,
    clip: tuple[float, float] | None = (0.0, 1.0),
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """``x + std · N(0, 1)``, clamped to ``clip`` unless it is None.

    Args:
        x: floating-point ``(*S)``.
        std: the noise standard deviation, a non-negative finite number (seed 001: 0.5).
        clip: ``(lo, hi)`` with lo ≤ hi, or None.
        generator: the source of randomness.

    Returns:
        ``(*S)``, the dtype and device of ``x``.
    """
    s = non_negative_number("std", std)
    check_floating("x", x)
    if clip is not None:
        try:
            lo_end, hi_end = clip
        except (TypeError, ValueError):
            raise ValueError(expected("clip", clip, "be None or a pair (lo, hi) of real numbers")) from None
        lo, hi = real_number("clip[0]", lo_end), real_number("clip[1]", hi_end)
        if not lo <= hi:  # also rejects NaN
            raise ValueError(expected("clip", clip, "be an interval (lo, hi) with lo <= hi"))
    eps = torch.randn(x.shape, generator=generator, dtype=x.dtype, device=_noise_device(x, generator))
    out = x + s * eps.to(x.device)
    return out if clip is None else out.clamp(lo, hi)
