r"""Sparsity penalties on an autoencoder's code: KL(rho ‖ rho_hat_j) and L1 on the activity.

KL penalty (seed 002). With ``rho`` the target mean activation of a hidden unit (0.05 for sigmoid
units) and ``rho_hat[j]`` the mean activation of unit j over the examples,

    sparse_kl(rho, rho_hat) = sum_j KL(Bernoulli(rho) ‖ Bernoulli(rho_hat[j]))
        = sum_j [ rho · log(rho / rho_hat[j]) + (1 − rho) · log((1 − rho) / (1 − rho_hat[j])) ]

    sparse_kl_penalty(h, rho) = sparse_kl(rho, rho_hat),  rho_hat[j] = mean over the batch of h[..., j]

The sum is computed as ``rho · f(u) + (1 − rho) · f(v)`` with ``f(t) = t − log1p(t) ≥ 0``,
``u = (rho_hat − rho) / rho``, ``v = −(rho_hat − rho) / (1 − rho)`` (the two ``t`` terms cancel because
``rho·u + (1 − rho)·v = 0``). Each term is non-negative by construction, so the result is ≥ 0 and
exactly 0 at ``rho_hat == rho`` in floating point too; the textbook form cancels two terms of size
``|rho_hat − rho|`` and can come out slightly negative. At ``rho_hat[j] ∈ {0, 1}`` the KL is +inf.
In float64 (rounded once to ``rho_hat``'s dtype), with ``log1p(u)`` taken as
``log(rho_hat) − log(rho)`` and ``log1p(v)`` as ``log1p(−rho_hat) − log1p(−rho)`` where u, v < −1/2:
a dead unit (rho_hat = 1e-30) or a saturated one (rho_hat = 1 − 2⁻²⁴) has a finite KL, not the
``log1p(−1) = −inf`` of a u that rounded to −1.

L1 penalty (seed 001, Keras ``activity_regularizer=regularizers.activity_l1(10e-5)``):

    l1_activity_penalty(h, weight) = weight · sum_j |h[..., j]|     (per example)

Keras 1 adds ``weight · sum_j mean_batch |h_j|`` to the batch-mean loss, which is the batch mean of
this per-example penalty. Seed 001's ``10e-5`` is 1e-4 (10 × 10⁻⁵), not 1e-5.

References:
    Ng, Sparse autoencoder, CS294A lecture notes (2011), section "Autoencoders and sparsity".
    Seed 002 (002_5243b5eda1672e89.txt), section "Sparse AutoEncoder": L_sparse = L + β Σ_j KL(ρ‖ρ̂_j),
    ρ̂_j = (1/m) Σ_i a_j(x⁽ⁱ⁾).
    Seed 001 (001_b5504797ad883274.txt), section "稀疏自编码器：为码字加上稀疏性约束".
"""

from __future__ import annotations

import torch

from genspec.reference.validation import (
    check_event, check_finite, check_floating, check_interval, expected, first_index, non_negative_number, real_number,
)

__all__ = ["l1_activity_penalty", "sparse_kl", "sparse_kl_penalty"]


def _f(t: torch.Tensor, log1p_t: torch.Tensor) -> torch.Tensor:
    """``t − log1p(t)``, which is ≥ 0 for t > −1; the clamp removes round-off below 0. ``log1p_t``
    replaces ``log1p(t)`` for t < −1/2 (computed from the operands, not from a t that rounded
    towards −1)."""
    near = t >= -0.5
    log1p = torch.where(near, torch.log1p(torch.where(near, t, 0.0)), log1p_t)
    return (t - log1p).clamp_min(0.0)


def sparse_kl(rho: float | torch.Tensor, rho_hat: torch.Tensor) -> torch.Tensor:
    """Sum over units of KL(Bernoulli(rho) ‖ Bernoulli(rho_hat[..., j])).

    Args:
        rho: target activation in the open interval (0, 1); a number or a tensor broadcastable
            to ``rho_hat``.
        rho_hat: mean activations ``(*batch, H)`` in [0, 1].

    Returns:
        ``(*batch,)``, the dtype and device of ``rho_hat``; +inf where some rho_hat is 0 or 1.
    """
    check_floating("rho_hat", rho_hat)
    check_event("rho_hat", rho_hat)
    if isinstance(rho, torch.Tensor):
        check_floating("rho", rho)
        try:
            fits = torch.broadcast_shapes(rho.shape, rho_hat.shape) == rho_hat.shape
        except RuntimeError:
            fits = False
        if not fits:
            raise ValueError(expected("rho", rho, "be a number or broadcastable to rho_hat's shape "
                                      f"{tuple(rho_hat.shape)}", f"shape {tuple(rho.shape)}"))
        rho_t = rho.to(dtype=rho_hat.dtype, device=rho_hat.device)
    else:
        rho_t = torch.tensor(real_number("rho", rho, or_tensor=True), dtype=rho_hat.dtype, device=rho_hat.device)
    outside = ~((rho_t > 0) & (rho_t < 1))
    if bool(outside.any()):
        found = f"{float(rho_t[first_index(outside)])}" if rho_t.dim() else f"{float(rho_t)}"
        raise ValueError(expected("rho", rho, "lie in the open interval (0, 1)", found))
    check_interval("rho_hat", rho_hat, 0.0, 1.0)
    dtype = rho_hat.dtype
    rho_t, rho_hat = rho_t.to(torch.float64), rho_hat.to(torch.float64)
    d = rho_hat - rho_t
    kl = (rho_t * _f(d / rho_t, torch.log(rho_hat) - torch.log(rho_t))
          + (1 - rho_t) * _f(-d / (1 - rho_t), torch.log1p(-rho_hat) - torch.log1p(-rho_t)))
    return kl.sum(-1).to(dtype)


def sparse_kl_penalty(h: torch.Tensor, rho: float | torch.Tensor) -> torch.Tensor:
    """Seed 002's sparsity penalty of a batch of activations: ``sparse_kl(rho, mean over the batch of h)``.

    Args:
        h: activations ``(*batch, H)`` in [0, 1]; every leading dimension is a batch dimension and
            ``rho_hat[j]`` averages ``h[..., j]`` over all of them (a single example ``(H,)`` is its
            own mean).
        rho: target activation in (0, 1).

    Returns:
        A 0-d tensor, the dtype and device of ``h``.
    """
    check_floating("h", h)
    check_event("h", h)
    if h.numel() == 0:
        raise ValueError(expected("h", h, "hold at least one activation to average", "no entry"))
    check_interval("h", h, 0.0, 1.0)
    rho_hat = h.reshape(-1, h.shape[-1]).mean(dim=0)
    return sparse_kl(rho, rho_hat)


def l1_activity_penalty(h: torch.Tensor, weight: float) -> torch.Tensor:
    """``weight · sum_j |h[..., j]|`` per example (Keras' L1 activity regulariser).

    Args:
        h: activations ``(*batch, H)``; finite.
        weight: the non-negative finite coefficient (seed 001: 10e-5 = 1e-4).

    Returns:
        ``(*batch,)``, the dtype and device of ``h``.
    """
    check_floating("h", h)
    check_event("h", h)
    check_finite("h", h)
    w = non_negative_number("weight", weight)
    return (w * h.abs()).sum(-1)  # weight first: a zero weight gives 0 even where sum |h| overflows
