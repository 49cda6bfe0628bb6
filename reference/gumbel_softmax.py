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

from genspec.reference.gumbel import gumbel64
from genspec.reference.validation import (
    check_finite, check_flag, check_floating, check_generator, check_logits, check_tau, check_tau_shape, expected,
)

__all__ = ["gumbel_softmax"]


def check_gumbels(gumbels: Tensor, logits: Tensor) -> None:
    """Explicit noise: a finite floating tensor of the logits' shape; TypeError / ValueError naming
    ``gumbels`` otherwise (a building block, not part of the contract)."""
    check_floating("gumbels", gumbels)
    if gumbels.shape != logits.shape:
        raise ValueError(expected("gumbels", gumbels, f"have the shape of logits {tuple(logits.shape)}",
                                  f"shape {tuple(gumbels.shape)}"))
    check_finite("gumbels", gumbels)


def tau64(tau: float | Tensor, logits: Tensor) -> float | Tensor:
    """``tau`` as a float, or as a float64 tensor on the logits' device after the one shape rule for a
    tensor tau (``validation.check_tau_shape``: 0-d or broadcastable to ``(*batch, 1)``). A building
    block, not part of the contract; the value is checked by ``check_tau``."""
    if not isinstance(tau, Tensor):
        return float(tau)
    check_tau_shape(tau, logits.shape)
    return tau.to(device=logits.device, dtype=torch.float64)


def gumbels64(logits: Tensor, gumbels: Tensor | None, generator: torch.Generator | None) -> Tensor:
    """The noise ``g`` in float64 on the logits' device: ``gumbels`` checked, or a fresh draw (a
    building block, not part of the contract)."""
    if gumbels is None:
        return gumbel64(logits.shape, generator, logits.device)
    check_gumbels(gumbels, logits)
    return gumbels.to(device=logits.device, dtype=torch.float64)


def noisy_logits(
    logits: Tensor, tau: float | Tensor, gumbels: Tensor | None, generator: torch.Generator | None
) -> tuple[Tensor, float | Tensor]:
    """Validate the arguments; return ``((logits - max logits) + g, tau)``, both in float64: the
    softmax and the argmax of ``logits + g``, without absorbing g into a large logit. A building
    block (of ``gumbel_softmax`` and of catalogue entries), not part of the contract."""
    check_logits(logits)
    check_tau(tau)
    check_generator(generator)
    tau_ = tau64(tau, logits)
    logits64 = logits.to(torch.float64)
    centred = logits64 - logits64.detach().amax(dim=-1, keepdim=True)  # <= 0; -inf stays -inf
    noisy = centred + gumbels64(logits, gumbels, generator)  # (*batch, K)
    return noisy, tau_


_Z_ZERO = -1e3
"""Below about -745 ``exp`` underflows to 0 in float64: an entry of ``(noisy - max) / tau`` under
``_Z_ZERO`` has probability exactly 0 and gradient exactly 0, like a -inf logit."""


def tempered_softmax(noisy: Tensor, tau: float | Tensor, dtype: torch.dtype) -> Tensor:
    """``softmax(noisy / tau)`` over the last dimension, in float64, rounded once to ``dtype`` (a
    building block, not part of the contract).

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
    tau_value = tau.detach() if isinstance(tau, Tensor) else tau
    zero = (shifted.detach() / tau_value) < _Z_ZERO  # also where shifted is -inf
    if not bool(zero.any()):
        z = shifted / tau
    else:  # divide only the entries that keep some probability
        z = torch.where(zero, -torch.inf, torch.where(zero, 0.0, shifted) / tau)
    e = torch.exp(z)  # z <= 0 with a 0 in every row: no overflow, and the row sum is >= 1
    return (e / e.sum(dim=-1, keepdim=True)).to(dtype)


def hard_index(noisy: Tensor) -> Tensor:
    """``argmax_k (l_k + g_k)`` from the float64 sum, keepdim (never from the rounded soft sample); a
    building block, not part of the contract."""
    return noisy.detach().argmax(dim=-1, keepdim=True)


def straight_through(y: Tensor, index: Tensor) -> Tensor:
    """``one_hot(index)`` forward with the gradient of ``y``: ``y_hard + (y - y.detach())`` (a building
    block, not part of the contract)."""
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
        tau: the temperature, a positive finite number, or a floating tensor of positive finite
            temperatures that is 0-d or has a last dimension of 1 and broadcasts to ``(*batch, 1)``
            (the rule ``concrete_log_prob`` applies too): a tau of shape ``(K,)`` or ``(*batch, K)``
            is an error, never a temperature per class.
        hard: a bool: return ``one_hot(argmax(logits + g))`` with the soft sample's gradient.
        gumbels: ``(*batch, K)`` explicit standard Gumbel noise (then the call is deterministic).
        generator: the source of fresh noise when ``gumbels`` is None.

    Returns:
        ``(*batch, K)`` in the logits' dtype, on the simplex of the last dimension.
    """
    check_flag("hard", hard)
    noisy, tau_ = noisy_logits(logits, tau, gumbels, generator)
    y = tempered_softmax(noisy, tau_, logits.dtype)
    if not hard:
        return y
    return straight_through(y, hard_index(noisy))
