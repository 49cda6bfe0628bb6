r"""Float64 oracles of the Gumbel area: Gumbel noise, the softmax, the winner of perturbed logits.

Nothing here calls the implementation under test: the noise is the float64 inverse CDF
``g = -log(-log u)`` of torch's 53-bit uniforms, the softmax is written out with its max subtracted:

    g = -log(-log u),  u ~ U(0, 1)           softmax(z)_i = exp(z_i - max z) / sum_j exp(z_j - max z)
    winner = argmax(logits + g)               (the Gumbel-Max trick)

References: seed 000_bf33366f7638eda2.txt, section Gumbel Max; Jang et al., arXiv:1611.01144, eq. (1).
"""

from __future__ import annotations

import torch
from torch import Tensor

__all__ = ["gumbel_noise", "one_hot64", "softmax64", "tensor_tau_shapes", "winner64"]


def gumbel_noise(shape: tuple[int, ...], *, dtype: torch.dtype, seed: int) -> Tensor:
    """Standard Gumbel noise ``(*shape)``: ``-log(-log u)`` in float64, u clamped into (0, 1)."""
    gen = torch.Generator().manual_seed(seed)
    u = torch.rand(shape, dtype=torch.float64, generator=gen).clamp_(2.0**-53, 1.0 - 2.0**-53)
    return (-torch.log(-torch.log(u))).to(dtype)


def softmax64(z: Tensor) -> Tensor:
    """``exp(z - max z) / sum exp(z - max z)`` over the last dim in float64 (-inf entries give 0)."""
    z = z.to(torch.float64)
    e = torch.exp(z - z.max(dim=-1, keepdim=True).values)
    return e / e.sum(dim=-1, keepdim=True)


def winner64(logits: Tensor, gumbels: Tensor) -> Tensor:
    """``argmax(logits + gumbels)`` formed in float64: ``(*batch)`` int64."""
    return (logits.to(torch.float64) + gumbels.to(torch.float64)).argmax(dim=-1)


def one_hot64(index: Tensor, k: int) -> Tensor:
    """One-hot rows ``(*batch, k)`` in float64."""
    return torch.nn.functional.one_hot(index, k).to(torch.float64)


def tensor_tau_shapes(tau: Tensor) -> list[Tensor]:
    """From temperatures ``(*batch, 1)``: 0-d, ``(1,)`` and ``(*batch[i:], 1)`` for each suffix of the
    batch, every shape broadcastable to ``(*batch, 1)`` (the first row of the dropped leading axes)."""
    return [tau.reshape(-1)[0], tau.reshape(-1)[:1]] + [tau[(0,) * i] for i in range(tau.dim() - 1)]
