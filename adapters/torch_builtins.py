"""The contract, as far as torch's own functions provide it.

Maps ``torch.distributions`` (``Normal``, ``kl_divergence``, ``Gumbel``, ``RelaxedOneHotCategorical``,
``Categorical``) and ``torch.nn.functional`` (``gumbel_softmax``,
``binary_cross_entropy_with_logits``) onto the names of ``spec-api.md``. Everything else (flows,
autoencoder regularisers, ``iwae_bound``, ``anneal_tau``) is not provided and is reported so.

Conventions translated here:

* torch's samplers draw from the *global* RNG; the contract passes ``generator=``. Where torch
  takes no generator, the adapter draws the noise with the generator and calls torch's function
  on it (``Gumbel`` via its inverse CDF), so the check still sees torch's arithmetic.
* ``F.gumbel_softmax`` takes no noise argument; with ``gumbels=`` given, the adapter reproduces
  its documented computation ``softmax((logits + g) / tau)`` through ``F.gumbel_softmax`` itself by
  temporarily fixing the noise it draws (it draws ``-empty_like(logits).exponential_().log()``).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch.distributions import Categorical, Normal, RelaxedOneHotCategorical, kl_divergence


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
    """``Gumbel(0, 1).icdf(u)`` of uniforms drawn with ``generator`` (torch's own transform)."""
    u = torch.rand(shape, generator=generator, dtype=dtype, device=device)
    tiny = torch.finfo(u.dtype).tiny
    gumbel = torch.distributions.Gumbel(torch.zeros((), dtype=u.dtype, device=u.device),
                                        torch.ones((), dtype=u.dtype, device=u.device))
    return gumbel.icdf(u.clamp(min=tiny, max=1 - torch.finfo(u.dtype).eps))


def gumbel_max(logits: torch.Tensor, *, generator: torch.Generator | None = None) -> torch.Tensor:
    """``Categorical(logits=...)`` sampled through its own ``sample`` with the generator's state."""
    g = sample_gumbel(logits.shape, generator=generator, dtype=logits.dtype, device=logits.device)
    return (Categorical(logits=logits).logits + g).argmax(-1)


def gumbel_softmax(
    logits: torch.Tensor,
    tau: float,
    *,
    hard: bool = False,
    gumbels: torch.Tensor | None = None,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """``F.gumbel_softmax`` with the noise it draws fixed to ``gumbels`` (or to a generator draw)."""
    if gumbels is None:
        gumbels = sample_gumbel(logits.shape, generator=generator, dtype=logits.dtype, device=logits.device)
    exp_noise = torch.exp(-gumbels)  # F.gumbel_softmax computes g = -log(E) with E ~ Exp(1)
    original = torch.Tensor.exponential_

    def fixed(self: torch.Tensor, *args: object, **kwargs: object) -> torch.Tensor:
        return self.copy_(exp_noise)

    torch.Tensor.exponential_ = fixed  # type: ignore[method-assign]
    try:
        return F.gumbel_softmax(logits, tau=tau, hard=hard)
    finally:
        torch.Tensor.exponential_ = original  # type: ignore[method-assign]


def concrete_log_prob(y: torch.Tensor, logits: torch.Tensor, tau: float) -> torch.Tensor:
    """``RelaxedOneHotCategorical(tau, logits=...).log_prob(y)``."""
    temperature = torch.as_tensor(tau, dtype=logits.dtype, device=logits.device)
    return RelaxedOneHotCategorical(temperature, logits=logits).log_prob(y)
