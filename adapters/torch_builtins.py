"""The contract, as far as torch's own functions provide it.

Maps ``torch.distributions`` (``Normal``, ``kl_divergence``, ``Gumbel``, ``RelaxedOneHotCategorical``,
``Categorical``) and ``torch.nn.functional`` (``gumbel_softmax``,
``binary_cross_entropy_with_logits``) onto the names of ``spec-api.md``. Everything else (flows,
autoencoder regularisers, ``negative_elbo``, ``iwae_bound``, ``anneal_tau``) is not provided and is
reported so.

Conventions translated here:

* torch's samplers draw from the *global* RNG; the contract passes ``generator=``. Where torch
  takes no generator, the adapter draws torch's own uniforms or exponentials with the generator and
  runs torch's own arithmetic on them:

  - ``sample_gumbel``: ``Gumbel(0, 1).icdf(torch.rand(..., generator=g))``, which is bit for bit
    ``Gumbel(0, 1).rsample()`` given the same uniforms (both map ``u`` to ``tiny + u * (1 - eps - tiny)``
    and then through ``-log(-log(.))``). In float32 its largest attainable value is 15.54 (``u`` at
    most ``1 - 2**-24``), in float64 35.64: see ``docs/conformance.md``.
  - ``gumbel_max``: ``torch.multinomial(Categorical(logits=...).probs, 1, generator=g)``, the call
    ``Categorical.sample`` makes.
  - ``gumbel_softmax``: ``F.gumbel_softmax`` draws its noise as
    ``-torch.empty_like(logits).exponential_().log()``. Without ``gumbels=`` the adapter makes that
    ``exponential_`` call use the generator (same kernel, same arithmetic); with ``gumbels=g`` it makes
    ``exponential_`` return ``exp(-g)`` (computed in float64, rounded once to the logits' dtype), so
    F computes ``-log(exp(-g))``: ``g`` up to one rounding of ``exp(-g)`` (at most about 1.2e-7 in
    ``g``, below the rounding of ``logits + g`` itself), for ``|g|`` below about 87 in float32 (709 in
    float64), beyond which ``exp(-g)`` over- or underflows.

* ``concrete_log_prob`` is ``RelaxedOneHotCategorical.log_prob``, whose arguments torch validates
  (``validate_args`` defaults to on): a ``y`` whose float32 sum is off 1 by more than 1e-6 raises.
* torch does not validate ``tau`` or the logits of ``F.gumbel_softmax`` and never raises the
  contract's ``ValueError`` there; the matrix reports those checks failed, with this verdict.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch.distributions import Categorical, Gumbel, Normal, RelaxedOneHotCategorical, kl_divergence

_EXPONENTIAL = torch.Tensor.exponential_  # F.gumbel_softmax's noise source


def _normal(mu: torch.Tensor, logvar: torch.Tensor) -> Normal:
    return Normal(mu, torch.exp(0.5 * logvar))


def reparameterize(mu: torch.Tensor, logvar: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
    """``Normal(mu, exp(logvar/2))``'s reparameterized sample with the given noise."""
    dist = _normal(mu, logvar)
    return dist.loc + dist.scale * eps


def log_normal(x: torch.Tensor, mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """``Normal.log_prob`` summed over the last dimension."""
    return _normal(mu, logvar).log_prob(x).sum(-1)


def kl_normal(mu_q: torch.Tensor, logvar_q: torch.Tensor, mu_p: torch.Tensor, logvar_p: torch.Tensor) -> torch.Tensor:
    """``kl_divergence(Normal, Normal)`` summed over the last dimension."""
    return kl_divergence(_normal(mu_q, logvar_q), _normal(mu_p, logvar_p)).sum(-1)


def kl_normal_std(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """``kl_divergence(Normal(mu, sigma), Normal(0, 1))`` summed over the last dimension."""
    zeros = torch.zeros_like(mu)
    return kl_normal(mu, logvar, zeros, zeros)


def bernoulli_log_prob(x: torch.Tensor, logits: torch.Tensor) -> torch.Tensor:
    """``-F.binary_cross_entropy_with_logits(logits, x, reduction='none')`` summed."""
    return -F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(-1)


def sample_gumbel(
    shape: tuple[int, ...] | torch.Size,
    *,
    generator: torch.Generator | None = None,
    dtype: torch.dtype | None = None,
    device: torch.device | str | None = None,
) -> torch.Tensor:
    """``Gumbel(0, 1).icdf(u)`` of uniforms drawn with ``generator``: ``Gumbel.rsample``'s arithmetic."""
    u = torch.rand(shape, generator=generator, dtype=dtype, device=device)
    zero = torch.zeros((), dtype=u.dtype, device=u.device)
    return Gumbel(zero, torch.ones_like(zero)).icdf(u)


def gumbel_max(logits: torch.Tensor, *, generator: torch.Generator | None = None) -> torch.Tensor:
    """``Categorical(logits=...)``'s sampler, ``torch.multinomial(probs, 1)``, with ``generator``."""
    probs = Categorical(logits=logits).probs
    flat = probs.reshape(-1, probs.shape[-1])
    return torch.multinomial(flat, 1, replacement=True, generator=generator).reshape(logits.shape[:-1])


def gumbel_softmax(
    logits: torch.Tensor,
    tau: float,
    *,
    hard: bool = False,
    gumbels: torch.Tensor | None = None,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """``F.gumbel_softmax(logits, tau, hard)`` with its ``exponential_`` noise drawn from ``generator``
    or fixed to ``exp(-gumbels)``."""
    if gumbels is None:
        def fill(t: torch.Tensor) -> torch.Tensor:
            return _EXPONENTIAL(t, generator=generator)
    else:
        exp_noise = torch.exp(-gumbels.to(torch.float64)).to(logits.dtype)

        def fill(t: torch.Tensor) -> torch.Tensor:
            return t.copy_(exp_noise)

    def patched(self: torch.Tensor, *args: object, **kwargs: object) -> torch.Tensor:
        return fill(self)

    torch.Tensor.exponential_ = patched  # type: ignore[method-assign]
    try:
        return F.gumbel_softmax(logits, tau=tau, hard=hard)
    finally:
        torch.Tensor.exponential_ = _EXPONENTIAL  # type: ignore[method-assign]


def concrete_log_prob(y: torch.Tensor, logits: torch.Tensor, tau: float) -> torch.Tensor:
    """``RelaxedOneHotCategorical(tau, logits=...).log_prob(y)``."""
    temperature = torch.as_tensor(tau, dtype=logits.dtype, device=logits.device)
    return RelaxedOneHotCategorical(temperature, logits=logits).log_prob(y)
