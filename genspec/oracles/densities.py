r"""Float64 oracles of the Gaussian area by ``torch.distributions``: densities and KLs, summed over events.

    bernoulli_log_prob64(x, l) = sum_j x_j log sigma(l_j) + (1 - x_j) log(1 - sigma(l_j))
    kl_normal_std64(mu, logvar) = KL( N(mu, diag exp(logvar)) || N(0, I) )
    prior_log_prob64(z, prior) = sum_i log p(z_i),  p standard logistic (scipy) or standard normal

computed by ``torch.distributions.Bernoulli`` and ``kl_divergence`` of ``Independent(Normal)`` in
float64, independently of the implementation under test.

References: seed 000_bf33366f7638eda2.txt, section 代码示例 (the VAE loss); Kingma & Welling,
arXiv:1312.6114, appendix B.
"""

from __future__ import annotations

import scipy.stats
import torch
from torch.distributions import Bernoulli, Independent, Normal, kl_divergence

__all__ = ["bernoulli_log_prob64", "kl_normal_std64", "prior_log_prob64"]

F64 = torch.float64


def bernoulli_log_prob64(x: torch.Tensor, logits: torch.Tensor) -> torch.Tensor:
    """``(*batch, D), (*batch, D) -> (*batch,)``: the Bernoulli log-likelihood in float64."""
    return Bernoulli(logits=logits.to(F64), validate_args=False).log_prob(x.to(F64)).sum(-1)


def kl_normal_std64(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """``(*batch, K), (*batch, K) -> (*batch,)``: KL to the standard normal in float64."""
    mu, logvar = mu.to(F64), logvar.to(F64)
    q = Independent(Normal(mu, torch.exp(logvar / 2)), 1)
    return kl_divergence(q, Independent(Normal(torch.zeros_like(mu), torch.ones_like(mu)), 1))


def prior_log_prob64(z: torch.Tensor, prior: str) -> torch.Tensor:
    """``(*batch, D) -> (*batch,)``: the standard logistic (scipy) or standard normal
    (``torch.distributions``) log density of NICE's factorised prior, summed, in float64."""
    z64 = z.detach().to(F64)
    if prior == "logistic":
        return torch.from_numpy(scipy.stats.logistic.logpdf(z64.numpy())).sum(-1)
    if prior == "gaussian":
        return Normal(0.0, 1.0).log_prob(z64).sum(-1)
    raise ValueError(f"prior={prior!r} is neither 'logistic' nor 'gaussian'")
