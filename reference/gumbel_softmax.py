r"""The Gumbel-Softmax (Concrete) relaxation of a categorical sample, soft and straight-through hard.

For logits ``l`` of shape ``(*batch, K)``, a temperature ``tau > 0`` and standard Gumbel noise ``g``::

    y = softmax((l + g) / tau)                 (over the last dimension; y lies in the open simplex)

``argmax_k y_k = argmax_k (l_k + g_k)`` for every ``tau``, so the argmax is Categorical(softmax(l));
as ``tau -> 0``, ``y -> one_hot(argmax(l + g))`` with ``||y - one_hot||_1 <= 2 (K - 1) exp(-gap / tau)``
(``gap``: the top two entries of ``l + g``); as ``tau -> inf``, ``y -> 1/K``.

``hard=True`` returns, in the forward pass, ``y_hard = one_hot(argmax_k (l_k + g_k))`` (taken from
``l + g`` in float64, not from the rounded ``y``, whose entries tie at large ``tau``), and in the
backward pass the gradient of ``y`` (the straight-through estimator)::

    out = y_hard + (y - y.detach())            (exactly y_hard forward; d out = d y backward)

The sum ``l + g`` and the softmax are computed in float64 and the result rounded once to the
logits' dtype; the sum is formed as ``(l - max l) + g``, so that equal logits near the float32 or
float64 edge do not absorb their noise (``3.4e38 + g`` is ``3.4e38`` in float64: every class would
tie). The row max of ``l + g`` is subtracted before dividing by ``tau`` (the softmax is
shift-invariant), so every finite logit, up to ±1.8e308 in float64, gives a finite sample at every
tau. A -inf logit gives ``y_k = 0`` and a zero (never NaN) gradient.

References:
    E. Jang, S. Gu, B. Poole. Categorical Reparameterization with Gumbel-Softmax. ICLR 2017,
    arXiv:1611.01144, eq. (1)-(2) and Sec. 2.2 (Straight-Through Gumbel-Softmax).
    C. J. Maddison, A. Mnih, Y. W. Teh. The Concrete Distribution. ICLR 2017, arXiv:1611.00712,
    Sec. 3.
    Y. Bengio, N. Léonard, A. Courville. Estimating or Propagating Gradients Through Stochastic
    Neurons. arXiv:1308.3432 (straight-through).
    Seed 000 (``000_bf33366f7638eda2.txt``), "Gumbel Softmax：离散分布的重参数化" and
    "Gumbel Softmax的数学推导" (step 2's words "softmax, then divide by tau" mean softmax(y / tau)).
"""

from __future__ import annotations

import torch
from torch import Tensor

from genspec.reference.gumbel import _check_logits, _check_tau, _gumbel64

__all__ = ["gumbel_softmax"]


def _check_gumbels(gumbels: Tensor, logits: Tensor) -> None:
    if not isinstance(gumbels, Tensor) or not gumbels.is_floating_point():
        raise ValueError(f"gumbels must be a floating torch.Tensor, got {type(gumbels).__name__}")
    if gumbels.shape != logits.shape:
        raise ValueError(f"gumbels.shape={tuple(gumbels.shape)} must equal logits.shape={tuple(logits.shape)}")
    if not bool(torch.isfinite(gumbels).all()):
        raise ValueError("gumbels must be finite (a Gumbel draw is never NaN or infinite)")


def _tau64(tau: float | Tensor, logits: Tensor) -> float | Tensor:
    if not isinstance(tau, Tensor):
        return float(tau)
    try:
        shape = torch.broadcast_shapes(tau.shape, logits.shape)
    except RuntimeError:
        shape = None
    if shape != logits.shape:
        raise ValueError(f"tau.shape={tuple(tau.shape)} must broadcast to logits.shape={tuple(logits.shape)}"
                         " (use a scalar or shape (*batch, 1))")
    return tau.to(device=logits.device, dtype=torch.float64)


def _gumbels64(logits: Tensor, gumbels: Tensor | None, generator: torch.Generator | None) -> Tensor:
    """The noise ``g`` in float64 on the logits' device: ``gumbels`` checked, or a fresh draw."""
    if gumbels is None:
        return _gumbel64(logits.shape, generator, logits.device)
    _check_gumbels(gumbels, logits)
    return gumbels.to(device=logits.device, dtype=torch.float64)


def _noisy_logits(
    logits: Tensor, tau: float | Tensor, gumbels: Tensor | None, generator: torch.Generator | None
) -> tuple[Tensor, float | Tensor]:
    """Validate the arguments; return ``((logits - max logits) + g, tau)``, both in float64: the
    softmax and the argmax of ``logits + g``, without absorbing g into a large logit."""
    _check_logits(logits)
    _check_tau(tau)
    tau64 = _tau64(tau, logits)
    logits64 = logits.to(torch.float64)
    centred = logits64 - logits64.detach().amax(dim=-1, keepdim=True)  # <= 0; -inf stays -inf
    noisy = centred + _gumbels64(logits, gumbels, generator)  # (*batch, K)
    return noisy, tau64


_Z_ZERO = -1e3
"""Below about -745 ``exp`` underflows to 0 in float64: an entry of ``(noisy - max) / tau`` under
``_Z_ZERO`` has probability exactly 0 and gradient exactly 0, like a -inf logit."""


def _soft(noisy: Tensor, tau64: float | Tensor, dtype: torch.dtype) -> Tensor:
    """``softmax(noisy / tau)`` over the last dimension, in float64, rounded once to ``dtype``.

    Computed as ``softmax((noisy - m) / tau)`` with ``m`` the row max of ``noisy``, detached (the
    softmax is shift-invariant, so values and gradients are unchanged): ``noisy - m <= 0``, so the
    quotient is never +inf, even for logits near ±1e308 at tau = 1e-3. Entries whose quotient is
    below ``_Z_ZERO`` (including -inf logits and differences that overflow, ``-1e308 - 1e308``) are
    set to -inf: their probability is 0 either way, and dividing them by tau would put
    ``-z / tau · 0 = NaN`` (z = -inf, or -z / tau = inf) into tau's gradient. The softmax of the
    shifted ``z`` is written ``exp(z) / sum exp(z)`` (already stable: max z = 0); ``torch.softmax``
    gives the same values but dispatches to the intra-op thread pool, about 10 ms a call on a busy
    two-core machine.
    """
    shifted = noisy - noisy.detach().amax(dim=-1, keepdim=True)  # (*batch, K), <= 0
    tau_value = tau64.detach() if isinstance(tau64, Tensor) else tau64
    zero = (shifted.detach() / tau_value) < _Z_ZERO  # also where shifted is -inf
    if not bool(zero.any()):
        z = shifted / tau64
    else:  # divide only the entries that keep some probability
        z = torch.where(zero, -torch.inf, torch.where(zero, 0.0, shifted) / tau64)
    e = torch.exp(z)  # z <= 0 with a 0 in every row: no overflow, and the row sum is >= 1
    return (e / e.sum(dim=-1, keepdim=True)).to(dtype)


def _hard_index(noisy: Tensor) -> Tensor:
    """``argmax_k (l_k + g_k)`` from the float64 sum, keepdim (never from the rounded soft sample)."""
    return noisy.detach().argmax(dim=-1, keepdim=True)


def _straight_through(y: Tensor, index: Tensor) -> Tensor:
    """``one_hot(index)`` forward with the gradient of ``y``: ``y_hard + (y - y.detach())``."""
    y_hard = torch.zeros_like(y).scatter_(-1, index, 1.0)
    return y_hard + (y - y.detach())


def gumbel_softmax(
    logits: Tensor,
    tau: float | Tensor,
    *,
    hard: bool = False,
    gumbels: Tensor | None = None,
    generator: torch.Generator | None = None,
) -> Tensor:
    """A Gumbel-Softmax sample ``softmax((logits + g) / tau)``; one-hot straight-through if ``hard``.

    Args:
        logits: ``(*batch, K)``; -inf marks an impossible class; NaN, +inf, all -inf rows rejected.
        tau: the temperature, a positive finite number or a tensor broadcastable to ``(*batch, 1)``.
        hard: return ``one_hot(argmax(logits + g))`` with the soft sample's gradient.
        gumbels: ``(*batch, K)`` explicit standard Gumbel noise (then the call is deterministic).
        generator: the source of fresh noise when ``gumbels`` is None.

    Returns:
        ``(*batch, K)`` in the logits' dtype, on the simplex of the last dimension.
    """
    noisy, tau64 = _noisy_logits(logits, tau, gumbels, generator)
    y = _soft(noisy, tau64, logits.dtype)
    if not hard:
        return y
    return _straight_through(y, _hard_index(noisy))
