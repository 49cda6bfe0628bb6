r"""Two Monte Carlo estimators of the gradient of E_{z ~ q}[f(z)] for a diagonal Gaussian q.

q = N(mu, diag(exp(logvar))); z = mu + sigma * eps with sigma = exp(logvar / 2), eps ~ N(0, I).

Score function (REINFORCE, likelihood ratio); needs only values of f:

.. math::

    \nabla_\phi \mathbb{E}_q[f(z)] = \mathbb{E}_q[f(z)\, \nabla_\phi \log q_\phi(z)],\qquad
    \nabla_{mu} \log q = eps / sigma,\quad \nabla_{logvar} \log q = \tfrac12 (eps^2 - 1)

Reparameterization (pathwise); needs f differentiable:

.. math::

    \nabla_\phi \mathbb{E}_q[f(z)] = \mathbb{E}_{eps}[\nabla_\phi f(mu + sigma\, eps)],\qquad
    \nabla_{mu} = f'(z),\quad \nabla_{logvar} = \tfrac12 f'(z)\, sigma\, eps

Both are unbiased; for smooth f the pathwise one usually has a far lower variance (for f(z) = z^2,
mu = 1, sigma = 1 the per-sample variances of the mu-gradient are 30 and 4).

The estimate is the mean over L draws; ``reduction="none"`` returns the L per-draw terms
``(L, *batch, K)`` so that their spread can be studied. ``f`` maps z ``(L, *batch, K)`` to values
``(L, *batch)`` and must treat each ``(l, batch)`` row on its own (no mixing across rows); a value of
another shape (one per coordinate, or one summed scalar) raises ``ValueError`` naming ``f``, since it
would broadcast into a gradient of the wrong shape or meaning. mu, logvar and eps must be finite.

References:
    R. J. Williams. Simple statistical gradient-following algorithms. Machine Learning 8, 1992
    (REINFORCE). Kingma & Welling, arXiv:1312.6114, Sec. 2.2 and 2.4. S. Mohamed, M. Rosca,
    M. Figurnov, A. Mnih. Monte Carlo Gradient Estimation in Machine Learning. JMLR 21, 2020,
    arXiv:1906.10652, Sec. 4-5.
    Seed 004 (``004_66c9886f7d9d9ca6.txt``), eq. (7) (score function; the seed writes
    ∇_{q_φ(z)} where ∇_φ is meant) and eqs. (9)-(10) (reparameterization). Seed 000, "重参数化背后的
    梯度估计" (its score-function formula is missing from the text).
"""

from __future__ import annotations

from typing import Callable, Literal

import torch
from torch import Tensor

from genspec.reference.gaussian import _WIDE, times_exp, reparameterize
from genspec.reference.validation import (
    check_callable, check_choice, check_event, check_finite, check_floating, check_generator, expected, first_index,
    integer,
)

__all__ = ["score_function_gradient", "reparameterization_gradient"]

Reduction = Literal["mean", "none"]


def estimator_noise(f: Callable[[Tensor], Tensor], mu: Tensor, logvar: Tensor, eps: Tensor | None, num_samples: int,
                    generator: torch.Generator | None, reduction: Reduction = "mean") -> Tensor:
    """Validate the estimators' arguments and return the noise ``(L, *batch, K)`` (given or drawn).

    A building block of both estimators (and of catalogue entries), not part of the contract: mu and
    logvar ``(*batch, K)`` finite floating tensors of one shape, ``f`` callable, ``reduction`` "mean" or
    "none", ``generator`` a ``torch.Generator`` or None; ``eps`` ``(L, *batch, K)`` finite when given,
    else ``num_samples`` (an integer >= 1) draws from ``generator``.
    """
    check_callable("f", f)
    for name, value in (("mu", mu), ("logvar", logvar)):
        check_floating(name, value)
        check_event(name, value)
        check_finite(name, value)
    if mu.shape != logvar.shape:
        raise ValueError(expected("logvar", logvar, f"have the shape of mu {tuple(mu.shape)}",
                                  f"shape {tuple(logvar.shape)}"))
    check_choice("reduction", reduction, ("mean", "none"))
    check_generator(generator)
    if eps is None:
        num_samples = integer("num_samples", num_samples, minimum=1)
        return torch.randn((num_samples, *mu.shape), dtype=mu.dtype, device=mu.device, generator=generator)
    check_floating("eps", eps)
    if eps.dim() != mu.dim() + 1 or eps.shape[1:] != mu.shape:
        raise ValueError(expected("eps", eps, f"have shape (L, *mu.shape) = (L, {', '.join(map(str, mu.shape))})",
                                  f"shape {tuple(eps.shape)}"))
    check_finite("eps", eps)
    return eps


def f_values(f: Callable[[Tensor], Tensor], z: Tensor) -> Tensor:
    """``f(z)``, checked to be one value per draw and example, ``(L, *batch)`` for z ``(L, *batch, K)``,
    and free of NaN (a building block of both estimators, not part of the contract)."""
    value = f(z)
    if not isinstance(value, Tensor):
        raise TypeError(expected("f", f, "return a torch.Tensor", f"a {type(value).__name__}"))
    if value.shape != z.shape[:-1]:
        raise ValueError(expected("f", f, f"map z of shape (L, *batch, K) = {tuple(z.shape)} to one value per "
                                  f"draw and example, (L, *batch) = {tuple(z.shape[:-1])}",
                                  f"shape {tuple(value.shape)}"))
    if bool(torch.isnan(value).any()):
        first = first_index(torch.isnan(value))
        raise ValueError(expected("f", f, "return values without NaN", f"nan at index {first}"))
    return value


def reduce_draws(values: tuple[Tensor, Tensor], reduction: Reduction) -> tuple[Tensor, Tensor]:
    """The mean over the draws (dim 0) of both gradients, or the per-draw values for ``"none"`` (a
    building block, not part of the contract)."""
    if reduction == "mean":
        return values[0].mean(0), values[1].mean(0)
    if reduction == "none":
        return values
    raise ValueError(expected("reduction", reduction, "be 'mean' or 'none'"))


def score_function_gradient(
    f: Callable[[Tensor], Tensor],
    mu: Tensor,
    logvar: Tensor,
    *,
    eps: Tensor | None = None,
    num_samples: int = 1,
    generator: torch.Generator | None = None,
    reduction: Reduction = "mean",
) -> tuple[Tensor, Tensor]:
    """The score-function estimate of ``(d/d mu, d/d logvar) E_q[f(z)]``.

    Args:
        f: z ``(L, *batch, K)`` -> ``(L, *batch)``; only its values are used.
        mu, logvar: q's parameters, ``(*batch, K)``, finite.
        eps: the standard normal noise ``(L, *batch, K)``, finite; drawn from ``generator`` when None.
        num_samples: L when eps is None.
        generator: the source of eps when eps is None.
        reduction: "mean" (the estimate, ``(*batch, K)`` each) or "none" (per-draw terms,
            ``(L, *batch, K)`` each).

    Returns:
        ``(grad_mu, grad_logvar)``: ``f(z) * eps / sigma`` and ``f(z) * (eps^2 - 1) / 2``, in float64
        rounded once: ``(f(z) * eps * exp(-logvar / 4)) * exp(-logvar / 4)``, finite wherever the
        product is, and exactly 0 where the score is (eps = 0, or eps^2 = 1), whatever f(z) is.

    Raises:
        ValueError naming the argument: NaN or ±inf in mu, logvar or eps; shapes that do not fit;
        ``f`` returning a shape other than ``(L, *batch)``.
    """
    eps = estimator_noise(f, mu, logvar, eps, num_samples, generator, reduction)
    with torch.no_grad():
        mu_, logvar_ = mu.detach(), logvar.detach()
        z = reparameterize(mu_, logvar_, eps)
        value = f_values(f, z).unsqueeze(-1).to(_WIDE)
        eps64, logvar64 = eps.to(_WIDE), logvar_.to(_WIDE)
        dtype = torch.promote_types(mu.dtype, eps.dtype)
        weighted = torch.where(eps64 == 0, 0.0, value * eps64)  # f(z) eps, 0 where the score is
        half = 0.5 * (eps64.square() - 1)
        grad_logvar = torch.where(half == 0, 0.0, value * half)  # f(z) (eps^2 - 1) / 2
        if reduction == "mean":  # 1 / sigma is the same for every draw: average first, then scale
            weighted, grad_logvar, reduction = weighted.mean(0), grad_logvar.mean(0), "none"
        grad_mu = times_exp(weighted, -logvar64 / 2)  # f(z) eps / sigma
    return reduce_draws((grad_mu.to(dtype), grad_logvar.to(dtype)), reduction)


def reparameterization_gradient(
    f: Callable[[Tensor], Tensor],
    mu: Tensor,
    logvar: Tensor,
    *,
    eps: Tensor | None = None,
    num_samples: int = 1,
    generator: torch.Generator | None = None,
    reduction: Reduction = "mean",
) -> tuple[Tensor, Tensor]:
    """The reparameterization (pathwise) estimate of ``(d/d mu, d/d logvar) E_q[f(z)]``.

    Arguments (and the errors raised for bad ones) as for :func:`score_function_gradient`; ``f``
    must be differentiable in z.

    Returns:
        ``(grad_mu, grad_logvar)``: autograd of ``f(mu + exp(logvar / 2) * eps)`` per draw, then
        averaged over the draws when ``reduction="mean"``.
    """
    eps = estimator_noise(f, mu, logvar, eps, num_samples, generator, reduction)
    shape = eps.shape
    with torch.enable_grad():
        mu_ = mu.detach().expand(shape).clone().requires_grad_(True)
        logvar_ = logvar.detach().expand(shape).clone().requires_grad_(True)
        value = f_values(f, reparameterize(mu_, logvar_, eps))
        grad_mu, grad_logvar = torch.autograd.grad(value.sum(), (mu_, logvar_))
    return reduce_draws((grad_mu, grad_logvar), reduction)
