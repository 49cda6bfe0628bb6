"""The factorised priors of NICE: standard logistic and standard normal, log densities and draws.

Summed over the last (event) dimension of z, shape ``(*batch, D) -> (*batch,)``:

    standard normal:    log p(z) = sum_i [ -z_i^2 / 2 - log(2 pi) / 2 ]
    standard logistic:  log p(z) = sum_i [ -softplus(z_i) - softplus(-z_i) ]
                                 = sum_i log( sigmoid(z_i) * (1 - sigmoid(z_i)) )

A standard logistic draw is the logit of a uniform: z = log(u) - log(1 - u), u ~ U(0, 1); its
standard deviation is pi / sqrt(3).

References:
    Dinh, Krueger, Bengio, "NICE", arXiv:1410.8516, section 3.4 (prior distribution): the
    logistic prior used for the paper's MNIST model.
    Seed 003_2bb67353180af150.txt, section 背景 / 直面概率积分: equation (4), the standard
    normal prior, and (6), its log-likelihood with the -D/2 log(2 pi) term.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from genspec.reference.validation import as_shape, check_dtype, check_generator

__all__ = ["standard_normal_log_prob", "standard_logistic_log_prob", "sample_standard_logistic"]

_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)


def standard_normal_log_prob(z: torch.Tensor) -> torch.Tensor:
    """log N(z; 0, I) summed over the last dimension: ``(*batch, D) -> (*batch,)``."""
    return (-0.5 * z * z - _HALF_LOG_2PI).sum(-1)


def standard_logistic_log_prob(z: torch.Tensor) -> torch.Tensor:
    """Standard logistic log density summed over the last dimension: ``(*batch, D) -> (*batch,)``.

    ``-softplus(z) - softplus(-z)`` is finite for every finite z (no log of a rounded-to-0 sigmoid).
    """
    return (-F.softplus(z) - F.softplus(-z)).sum(-1)


def sample_standard_logistic(
    shape: tuple[int, ...],
    *,
    generator: torch.Generator | None = None,
    dtype: torch.dtype | None = None,
    device: torch.device | str | None = None,
) -> torch.Tensor:
    """Standard logistic draws of ``shape``: ``log(u) - log1p(-u)`` with u ~ U(0, 1).

    u is kept inside [tiny, 1 - eps / 2] so that every draw is finite.
    """
    shape = as_shape(shape)
    check_generator(generator)
    dtype = check_dtype("dtype", dtype) or torch.get_default_dtype()
    gen_device = generator.device if generator is not None else device
    u = torch.rand(shape, generator=generator, dtype=dtype, device=gen_device)
    info = torch.finfo(dtype)
    u = u.clamp(min=info.tiny, max=1.0 - info.eps / 2)
    z = torch.log(u) - torch.log1p(-u)
    return z if device is None else z.to(device)
