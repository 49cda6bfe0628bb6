r"""Diagonal Gaussian latent variables: reparameterization, log density and closed-form KLs.

A diagonal Gaussian q = N(mu, diag(exp(logvar))) over the last (event) dimension of size K. The
variance is always passed as its logarithm ``logvar``; the standard deviation is
``exp(logvar / 2)``.

.. math::

    z &= mu + \exp(logvar / 2) \odot eps, \qquad eps \sim N(0, I)

    \log N(x; mu, logvar) &= -\tfrac12 \sum_j \big[\log 2\pi + logvar_j
        + (x_j - mu_j)^2 \exp(-logvar_j)\big]

    KL(N(mu, e^{logvar}) \,\|\, N(0, I)) &= \tfrac12 \sum_j \big[\exp(logvar_j) + mu_j^2 - 1
        - logvar_j\big]

    KL(q \,\|\, p) &= \tfrac12 \sum_j \big[logvar_p - logvar_q
        + (\exp(logvar_q) + (mu_q - mu_p)^2) \exp(-logvar_p) - 1\big]

Numerics: every function computes in float64 and rounds its result once to the inputs' dtype, and
forms each product with an exponential, ``d * exp(c)``, as ``(d * exp(c / 2)) * exp(c / 2)``
(``times_exp``): it overflows only where the product does, and is exactly 0 where d = 0 even where
``exp(c / 2)`` alone overflows (no ``0 * inf = NaN``: z = mu at eps = 0 for every finite logvar,
log N(mu; mu, logvar) for logvar = -1600). The squared Mahalanobis term is
``((x - mu) * exp(-logvar / 2))^2``, the KL's variance ratio is ``exp(logvar_q - logvar_p)`` (never a
ratio of exponentials), and ``(exp(t) - 1 - t) / 2`` is ``(expm1(t) - t) / 2``, or
``exp(t) / 2 - (1 + t) / 2`` with ``exp(t) / 2`` formed as ``times_exp(1/2, t)`` where ``exp(t)``
overflows and its half does not.

The KLs are *summed* over the event dimension (a mean over it is a common shipped bug: it shrinks
the KL by the factor K). Every argument is ``(*batch, K)`` with one K: batch dimensions broadcast,
event dimensions must be equal, and every entry must be finite (NaN or ±inf raise ``ValueError``
naming the argument: logvar = -inf in ``log_normal`` or logvar_q = logvar_p = +inf in ``kl_normal``
would otherwise come out as NaN).

References:
    D. P. Kingma, M. Welling. Auto-Encoding Variational Bayes. ICLR 2014, arXiv:1312.6114,
    Sec. 2.4 (reparameterization) and Appendix B (the Gaussian KL).
    Seed 000 (``000_bf33366f7638eda2.txt``), sections "正态分布的重参数化" and "代码示例"
    (``std = torch.exp(0.5 * logvar)``; ``KLD = -0.5 * torch.sum(1 + logvar - mu.pow(2) -
    logvar.exp())``). Seed 002, section "VAE" (z = mu + Sigma^{1/2} eps). Seed 004, eq. (10).
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

from genspec.reference.validation import broadcast_shape, check_event, check_event_sizes, check_finite, check_floating

__all__ = ["reparameterize", "log_normal", "kl_normal_std", "kl_normal"]

_LOG_2PI = math.log(2.0 * math.pi)
_WIDE = torch.float64
_LOG_MAX = math.log(torch.finfo(_WIDE).max)
"""709.78: exp overflows float64 above it."""


def check_gaussian(**named: Tensor) -> torch.Size:
    """Validate Gaussian parameters (and points): floating tensors, an event dim, finite, shapes that fit.

    A building block (the Gaussian functions and catalogue entries use it), not part of the contract.
    Every argument is ``(*batch, K)`` with the same K; batch dimensions broadcast. Returns the
    broadcast shape. Raises ``TypeError`` (not a tensor) or ``ValueError`` (an integer or bool dtype, a
    0-d tensor, NaN or ±inf, shapes that do not fit) naming the offending argument.
    """
    for name, value in named.items():
        check_floating(name, value)
        check_event(name, value)
        check_finite(name, value)
    check_event_sizes(**named)
    return broadcast_shape(**named)


def _wide(*tensors: Tensor) -> tuple[torch.dtype, list[Tensor]]:
    """The promoted dtype of ``tensors``, and the tensors in float64 (where the formulas run)."""
    dtype = tensors[0].dtype
    for t in tensors[1:]:
        dtype = torch.promote_types(dtype, t.dtype)
    return dtype, [t.to(_WIDE) for t in tensors]


def times_exp(d: Tensor, c: Tensor) -> Tensor:
    """``d * exp(c)`` (``c`` broadcasts against ``d``) as ``(d * exp(c / 2)) * exp(c / 2)``: finite
    wherever the product is, and exactly 0 where d = 0 even where ``exp(c / 2)`` overflows, with the
    true derivatives there: ``exp(c) = +inf`` in d (formed as ``(d * max) * max``, which overflows
    exactly when exp(c) does) and ``d * exp(c) = 0`` in c.

    A building block of the Gaussian functions, ``Scaling`` and catalogue entries; not part of the
    contract. Runs in the promoted dtype of ``d`` and ``c``.
    """
    largest = torch.finfo(torch.promote_types(d.dtype, c.dtype)).max
    half = c / 2
    at_zero = (d == 0) & (half > math.log(largest))
    e = torch.exp(half.masked_fill(at_zero, 0.0))  # no inf where the other branch is taken: no 0 * inf
    return torch.where(at_zero, (d * largest) * largest, (d * e) * e)


def _half_expm1_minus(t: Tensor) -> Tensor:
    """``(exp(t) - 1 - t) / 2`` (>= 0), accurate near t = 0 and finite wherever ``exp(t) / 2`` is."""
    big = t > _LOG_MAX
    small = torch.where(big, 0.0, t)
    return torch.where(big, times_exp(torch.full_like(t, 0.5), t) - 0.5 * (1 + t),
                       0.5 * (torch.expm1(small) - small))


def reparameterize(mu: Tensor, logvar: Tensor, eps: Tensor) -> Tensor:
    """``z = mu + exp(logvar / 2) * eps``: a draw of N(mu, diag(exp(logvar))) when eps ~ N(0, I).

    Differentiable in ``mu`` and ``logvar`` (the point of the trick); all randomness is in ``eps``.
    Computed as ``mu + (eps * exp(logvar / 4)) * exp(logvar / 4)`` in float64: exactly ``mu`` at
    eps = 0, and finite wherever z is.

    Args:
        mu: mean, ``(*batch, K)``; finite.
        logvar: log-variance, ``(*batch, K)``; finite. Its batch dimensions broadcast with mu's,
            its event dimension K must equal mu's.
        eps: standard normal noise, finite, ``(*batch, K)`` or ``(L, *batch, K)`` for L draws per
            example; batch dimensions broadcast, K must equal mu's.

    Returns:
        z of the broadcast shape of mu, logvar and eps, in their dtype.

    Raises:
        ValueError naming the argument: a 0-d tensor (no event dimension), NaN or ±inf, an event
        dimension that differs from mu's, batch dimensions that do not broadcast.
    """
    check_gaussian(mu=mu, logvar=logvar, eps=eps)
    dtype, (mu, logvar, eps) = _wide(mu, logvar, eps)
    return (mu + times_exp(eps, logvar / 2)).to(dtype)  # = mu + (eps * exp(logvar / 4)) * exp(logvar / 4)


def log_normal(x: Tensor, mu: Tensor, logvar: Tensor) -> Tensor:
    """Log density of N(mu, diag(exp(logvar))) at x, summed over the event dimension.

    Args:
        x: points, ``(*batch, K)``; finite.
        mu: mean, batch dimensions broadcastable with x's, ``(*batch, K)``; finite.
        logvar: log-variance, likewise ``(*batch, K)``; finite (-inf would be a point mass, whose
            log density is NaN or inf, not a number to sum).

    Returns:
        ``(*batch,)``: ``-1/2 * sum_j [log 2 pi + logvar_j + ((x_j - mu_j) exp(-logvar_j / 2))^2]``.
    """
    check_gaussian(x=x, mu=mu, logvar=logvar)
    dtype, (x, mu, logvar) = _wide(x, mu, logvar)
    sq = times_exp(x - mu, -logvar / 2).square()  # ((x - mu) exp(-logvar / 2))^2, never 0 * inf
    return (-0.5 * (_LOG_2PI + logvar + sq).sum(dim=-1)).to(dtype)


def kl_normal_std(mu: Tensor, logvar: Tensor) -> Tensor:
    """KL( N(mu, diag(exp(logvar))) || N(0, I) ) in closed form, summed over the event dimension.

    Args:
        mu: mean, ``(*batch, K)``; finite.
        logvar: log-variance, ``(*batch, K)``; finite.

    Returns:
        ``(*batch,)``: ``sum_j [(expm1(logvar_j) - logvar_j) / 2 + mu_j^2 / 2]`` (>= 0, 0 iff q = p),
        i.e. ``1/2 * sum_j [exp(logvar_j) + mu_j^2 - 1 - logvar_j]``.
    """
    check_gaussian(mu=mu, logvar=logvar)
    dtype, (mu, logvar) = _wide(mu, logvar)
    # expm1(logvar) - logvar keeps the cancellation near logvar = 0 accurate.
    return (_half_expm1_minus(logvar) + 0.5 * mu * mu).sum(dim=-1).to(dtype)


def kl_normal(mu_q: Tensor, logvar_q: Tensor, mu_p: Tensor, logvar_p: Tensor) -> Tensor:
    """KL( N(mu_q, diag(exp(logvar_q))) || N(mu_p, diag(exp(logvar_p))) ), summed over the event dim.

    Args:
        mu_q, logvar_q: the first argument's mean and log-variance, ``(*batch, K)``; finite.
        mu_p, logvar_p: the second argument's, batch dimensions broadcastable with them,
            ``(*batch, K)``; finite (logvar_q = logvar_p = +inf would give inf - inf = NaN).

    Returns:
        ``(*batch,)``: ``1/2 * sum_j [expm1(log r_j) - log r_j + ((mu_q - mu_p)_j exp(-logvar_p_j / 2))^2]``
        with ``log r = logvar_q - logvar_p`` (>= 0, exactly 0 when the two are the same).
    """
    check_gaussian(mu_q=mu_q, logvar_q=logvar_q, mu_p=mu_p, logvar_p=logvar_p)
    dtype, (mu_q, logvar_q, mu_p, logvar_p) = _wide(mu_q, logvar_q, mu_p, logvar_p)
    shift = times_exp(mu_q - mu_p, -logvar_p / 2).square()  # (mu_q - mu_p)^2 exp(-logvar_p), never 0 * inf
    return (_half_expm1_minus(logvar_q - logvar_p) + 0.5 * shift).sum(dim=-1).to(dtype)
