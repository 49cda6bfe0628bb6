"""The autoencoder area: sparse KL, contractive penalty, corruptions, denoising loss.

Part of the foreign-style control (``meta_tests/foreign_control``), written from the contract alone.
"""

from __future__ import annotations

from typing import Callable

import torch
import torch.nn.functional as F
from torch import Tensor


# ---------------------------------------------------------------- Autoencoder regularisers

def sparse_kl(rho: float | Tensor, rho_hat: Tensor) -> Tensor:
    """sum_j KL(Bernoulli(rho) || Bernoulli(rho_hat_j))."""
    rho = torch.as_tensor(rho, dtype=rho_hat.dtype, device=rho_hat.device)
    return (rho * (torch.log(rho) - torch.log(rho_hat))
            + (1.0 - rho) * (torch.log1p(-rho) - torch.log1p(-rho_hat))).sum(-1)


def contractive_penalty(x: Tensor, weight: Tensor, bias: Tensor) -> Tensor:
    """||d sigmoid(W x + b) / dx||_F^2 = sum_j (h_j (1 - h_j))^2 ||W_j||^2."""
    h = torch.sigmoid(x @ weight.T + bias)
    return ((h * (1.0 - h)) ** 2 * (weight ** 2).sum(-1)).sum(-1)


def masking_noise(x: Tensor, fraction: float, *, generator: torch.Generator | None = None) -> Tensor:
    """Zero exactly round(fraction * D) random coordinates per example."""
    n = round(fraction * x.shape[-1])
    scores = torch.rand(x.shape, generator=generator, device=x.device)
    idx = scores.argsort(dim=-1)[..., :n]
    mask = torch.zeros(x.shape, dtype=torch.bool, device=x.device).scatter_(-1, idx, True)
    return torch.where(mask, torch.zeros_like(x), x)


def gaussian_noise(x: Tensor, std: float, *, clip: tuple[float, float] | None = (0.0, 1.0),
                   generator: torch.Generator | None = None) -> Tensor:
    """x + std * N(0, 1), clamped to clip unless clip is None."""
    y = x + std * torch.randn(x.shape, generator=generator, dtype=x.dtype, device=x.device)
    return y if clip is None else y.clamp(clip[0], clip[1])


def sparse_kl_penalty(h: Tensor, rho: float | Tensor) -> Tensor:
    """sparse_kl with rho_hat the mean activation over all leading dimensions."""
    return sparse_kl(rho, h.reshape(-1, h.shape[-1]).mean(0))


def l1_activity_penalty(h: Tensor, weight: float) -> Tensor:
    """weight * sum_j |h_j| per example."""
    return weight * h.abs().sum(-1)


def denoising_loss(reconstruct: Callable[[Tensor], Tensor], x: Tensor, x_noisy: Tensor) -> Tensor:
    """BCE of reconstruct(x_noisy) (logits) against the clean x, mean over the last dimension."""
    logits = reconstruct(x_noisy)
    return F.binary_cross_entropy_with_logits(logits, x, reduction="none").mean(-1)
