r"""The density of the Concrete (Gumbel-Softmax) distribution, in log space.

``y = softmax((logits + g) / tau)`` with ``g`` standard Gumbel has, on the open simplex of ``K``
classes and with respect to Lebesgue measure on its first ``K - 1`` coordinates (``y_K = 1 - sum``),
the density (Maddison et al. 2017, Definition 1, eq. (6); alpha_k = exp(logits_k))::

    p(y) = (K - 1)! tau^(K - 1) prod_k [alpha_k y_k^(-tau - 1)] / (sum_i alpha_i y_i^(-tau))^K

computed here as

    log p(y) = lgamma(K) + (K - 1) log tau + sum_k [a_k - logsumexp(a)] - sum_k log y_k,
    a_k = (logits_k - max logits) - tau (log y_k - min log y)

(``a`` is ``logits - tau log y`` shifted by a constant: the density is invariant to it). No power of
``y`` is formed, so it stays finite in float32 at small ``tau`` where ``y^(-tau - 1)`` and
``sum alpha_i y_i^(-tau)`` overflow; the logits enter only through their differences, so logits of
1e6 (float32, an ulp of 0.06) lose nothing; and ``tau`` multiplies only the non-negative gaps
``log y_k - min log y``, 0 for the smallest entries, which decide the normaliser (their logits are
not lost against a large ``tau log y``), so a huge tau (1e38) gives a finite density, or -inf where
the density underflows (an entry of ``a`` overflows to -inf), never ``inf - inf``.

For ``K = 2`` with ``x = y_1`` and ``a = exp(l_1 - l_2)`` it is the binary Concrete density
``tau a x^(-tau-1) (1-x)^(-tau-1) / (a x^(-tau) + (1-x)^(-tau))^2``, and
``P(y_1 > 1/2) = softmax(logits)_1`` for every ``tau``.

A point with an entry ``<= 0`` lies outside the support (the open simplex): the result is -inf
there. ``y`` is used as given; it is expected to sum to 1 (all K entries enter the formula, which
keeps a tiny ``y_K`` accurate instead of recomputing it as ``1 - sum``).

References:
    C. J. Maddison, A. Mnih, Y. W. Teh. The Concrete Distribution: A Continuous Relaxation of
    Discrete Random Variables. ICLR 2017, arXiv:1611.00712, Definition 1, eq. (6), Appendix C
    (binary Concrete).
    E. Jang, S. Gu, B. Poole. Categorical Reparameterization with Gumbel-Softmax. ICLR 2017,
    arXiv:1611.01144, eq. (2).
    Seed 000 (``000_bf33366f7638eda2.txt``), "Gumbel Softmax：离散分布的重参数化" (the seed defines the
    sample but not its density).
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

from genspec.reference.validation import (
    broadcast_shape, check_event_sizes, check_floating, check_logits, check_no_nan, check_tau, check_tau_shape,
    expected,
)

__all__ = ["concrete_log_prob"]


def concrete_inputs(
    y: Tensor, logits: Tensor, tau: float | Tensor
) -> tuple[Tensor, Tensor, float | Tensor, float | Tensor]:
    """Validate; return ``(y, logits, tau, log tau)`` broadcast together in the promoted dtype.

    A building block (of ``concrete_log_prob`` and of catalogue entries), not part of the contract:
    logits finite, tau positive and finite (a tensor tau 0-d or broadcastable to ``(*batch, 1)``, the
    rule of ``gumbel_softmax``), y a floating tensor without NaN whose shape broadcasts with the
    logits' and whose last dimension is K.
    """
    check_logits(logits, allow_neg_inf=False)
    check_tau(tau)
    check_floating("y", y)
    if y.dim() == 0:
        raise ValueError(expected("y", y, f"have shape (*batch, K) with K={logits.shape[-1]} like logits", "shape ()"))
    check_event_sizes(logits=logits, y=y)
    check_no_nan("y", y)
    shape = broadcast_shape(logits=logits, y=y)
    check_tau_shape(tau, shape)
    dtype = torch.promote_types(y.dtype, logits.dtype)
    y, logits = torch.broadcast_tensors(y.to(dtype), logits.to(dtype))
    if isinstance(tau, Tensor):
        tau = tau.to(device=y.device, dtype=dtype)
        log_tau = torch.log(tau).squeeze(-1) if tau.dim() > 0 else torch.log(tau)
    else:
        tau = float(tau)
        log_tau = math.log(tau)
    return y, logits, tau, log_tau


def log_density_terms(
    y: Tensor, logits: Tensor, tau: float | Tensor
) -> tuple[Tensor, int, float | Tensor, Tensor, Tensor]:
    """``(inside, K, log tau, sum_k (a_k - log y_k), logsumexp(a))`` with the shifted
    ``a = (logits - max logits) - tau (log y - min log y)`` (module docstring); ``inside`` is False off
    the support and where an entry of ``a`` overflows (the density underflows: log density -inf). A
    building block, not part of the contract."""
    y, logits, tau, log_tau = concrete_inputs(y, logits, tau)
    inside = (y > 0).all(dim=-1)  # (*batch)
    log_y = torch.log(torch.where(y > 0, y, 1.0))  # a safe placeholder off the support
    gap = log_y - log_y.detach().amin(dim=-1, keepdim=True)  # >= 0, 0 at the smallest entries
    a = (logits - logits.detach().amax(dim=-1, keepdim=True)) - tau * gap
    finite = torch.isfinite(a).all(dim=-1)
    a = torch.where(finite.unsqueeze(-1), a, 0.0)  # no inf - inf, in the values or the gradients
    terms = (a - log_y).sum(dim=-1)
    normaliser = torch.logsumexp(a, dim=-1)
    return inside & finite, y.shape[-1], log_tau, terms, normaliser


def concrete_log_prob(y: Tensor, logits: Tensor, tau: float | Tensor) -> Tensor:
    """Log density of Concrete(logits, tau) at ``y`` (Lebesgue measure on the first K - 1 coordinates).

    Args:
        y: ``(*batch, K)``, a point of the open simplex.
        logits: ``(*batch, K)`` (broadcastable against ``y``), finite.
        tau: the temperature: a positive finite number, or a floating tensor of them that is 0-d or
            has a last dimension of 1 and broadcasts to ``(*batch, 1)`` (the rule of ``gumbel_softmax``).

    Returns:
        ``(*batch)`` log densities in the promoted dtype of ``y`` and ``logits``; -inf where an
        entry of ``y`` is ``<= 0``.
    """
    inside, k, log_tau, terms, normaliser = log_density_terms(y, logits, tau)
    log_p = math.lgamma(k) + (k - 1) * log_tau + terms - k * normaliser
    return torch.where(inside, log_p, -torch.inf)
