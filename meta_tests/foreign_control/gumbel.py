"""The Gumbel area: Gumbel noise, Gumbel-Max, Gumbel-Softmax, the Concrete density, annealing.

Part of the foreign-style control (``meta_tests/foreign_control``), written from the contract alone.
"""

from __future__ import annotations

import math
from typing import Sequence

import torch
from torch import Tensor


# ---------------------------------------------------------------- Gumbel

def sample_gumbel(shape: Sequence[int] | int, *, generator: torch.Generator | None = None,
                  dtype: torch.dtype | None = None, device: torch.device | str | None = None) -> Tensor:
    """Standard Gumbel draws -log(-log u), u clamped away from 0 so every draw is finite."""
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    u = torch.rand(shape, generator=generator, dtype=dtype, device=device)
    u = u.clamp_min(torch.finfo(u.dtype).tiny)
    return -torch.log(-torch.log(u))


def gumbel_max(logits: Tensor, *, generator: torch.Generator | None = None) -> Tensor:
    """argmax(logits + g): a draw from Categorical(softmax(logits))."""
    g = sample_gumbel(logits.shape, generator=generator, dtype=logits.dtype, device=logits.device)
    return torch.argmax(logits + g, dim=-1)


def gumbel_softmax(logits: Tensor, tau: float, *, hard: bool = False, gumbels: Tensor | None = None,
                   generator: torch.Generator | None = None) -> Tensor:
    """softmax((logits + g) / tau); with hard=True a straight-through one-hot."""
    if gumbels is None:
        gumbels = sample_gumbel(logits.shape, generator=generator, dtype=logits.dtype, device=logits.device)
    perturbed = logits + gumbels
    shifted = perturbed - perturbed.amax(dim=-1, keepdim=True).detach()  # no overflow in / tau
    y = torch.softmax(shifted / tau, dim=-1)
    if not hard:
        return y
    index = perturbed.argmax(dim=-1, keepdim=True)
    y_hard = torch.zeros_like(y).scatter_(-1, index, 1.0)
    return y_hard - y.detach() + y


def concrete_log_prob(y: Tensor, logits: Tensor, tau: float) -> Tensor:
    """Log density of Concrete(logits, tau) at y (Maddison et al. 2017, eq. 46)."""
    K = y.shape[-1]
    log_y = torch.log(y)
    tau_t = torch.as_tensor(tau, dtype=y.dtype, device=y.device)
    return (math.lgamma(K) + (K - 1) * torch.log(tau_t)
            + (logits - (tau_t + 1.0) * log_y).sum(-1)
            - K * torch.logsumexp(logits - tau_t * log_y, dim=-1))


def anneal_tau(step: int, *, tau0: float = 1.0, rate: float = 1e-4, tau_min: float = 0.5,
               every: int = 1000) -> float:
    """max(tau_min, tau0 * exp(-rate * every * floor(step / every)))."""
    return max(tau_min, tau0 * math.exp(-rate * every * math.floor(step / every)))


