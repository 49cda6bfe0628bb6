"""The Gaussian area: reparameterization, densities, KLs, the ELBO, the IWAE bound, the
linear-Gaussian model and the two gradient estimators.

Part of the foreign-style control (``meta_tests/foreign_control``), written from the contract alone.
"""

from __future__ import annotations

import math
from typing import Callable

import torch
import torch.nn.functional as F
from torch import Tensor

LOG_2PI = math.log(2.0 * math.pi)


# ---------------------------------------------------------------- Gaussian latents, ELBO

def reparameterize(mu: Tensor, logvar: Tensor, eps: Tensor) -> Tensor:
    """z = mu + sigma * eps (broadcasting, so eps may carry leading sample dimensions)."""
    return mu + torch.exp(0.5 * logvar) * eps


def log_normal(x: Tensor, mu: Tensor, logvar: Tensor) -> Tensor:
    """log N(x; mu, diag exp(logvar)), summed over the last dimension."""
    return -0.5 * (LOG_2PI + logvar + (x - mu) ** 2 * torch.exp(-logvar)).sum(-1)


def kl_normal_std(mu: Tensor, logvar: Tensor) -> Tensor:
    """KL(N(mu, diag exp(logvar)) || N(0, I)), summed."""
    return 0.5 * (torch.exp(logvar) + mu ** 2 - 1.0 - logvar).sum(-1)


def kl_normal(mu_q: Tensor, logvar_q: Tensor, mu_p: Tensor, logvar_p: Tensor) -> Tensor:
    """KL between two diagonal Gaussians, summed."""
    ratio = torch.exp(logvar_q - logvar_p)
    return 0.5 * (ratio + (mu_q - mu_p) ** 2 * torch.exp(-logvar_p) - 1.0 - (logvar_q - logvar_p)).sum(-1)


def bernoulli_log_prob(x: Tensor, logits: Tensor) -> Tensor:
    """sum of x log sigma(l) + (1 - x) log(1 - sigma(l))."""
    return (x * F.logsigmoid(logits) + (1.0 - x) * F.logsigmoid(-logits)).sum(-1)


def negative_elbo(x: Tensor, logits: Tensor, mu: Tensor, logvar: Tensor) -> Tensor:
    """Single-sample negative ELBO of a Bernoulli-decoder VAE, per example."""
    return -bernoulli_log_prob(x, logits) + kl_normal_std(mu, logvar)


def iwae_bound(log_weights: Tensor) -> Tensor:
    """logsumexp over the k samples (dim 0) minus log k."""
    return torch.logsumexp(log_weights, dim=0) - math.log(log_weights.shape[0])


class LinearGaussian:
    """p(z) = N(0, I), p(x | z) = N(W z + b, s2 I) (probabilistic PCA), W of shape (D, K)."""

    def __init__(self, weight: Tensor, bias: Tensor, noise_var: float | Tensor) -> None:
        self.weight = weight
        self.bias = bias
        self.noise_var = torch.as_tensor(noise_var, dtype=weight.dtype, device=weight.device)
        self.D, self.K = weight.shape

    def m_matrix(self) -> Tensor:
        """M = W^T W + s2 I (K x K)."""
        eye = torch.eye(self.K, dtype=self.weight.dtype, device=self.weight.device)
        return self.weight.T @ self.weight + self.noise_var * eye

    def log_marginal(self, x: Tensor) -> Tensor:
        """log N(x; b, W W^T + s2 I)."""
        eye = torch.eye(self.D, dtype=self.weight.dtype, device=self.weight.device)
        L = torch.linalg.cholesky(self.weight @ self.weight.T + self.noise_var * eye)
        r = (x - self.bias).unsqueeze(-1)
        sol = torch.linalg.solve_triangular(L, r, upper=False).squeeze(-1)
        logdet = 2.0 * torch.log(torch.diagonal(L)).sum()
        return -0.5 * (self.D * LOG_2PI + logdet + (sol ** 2).sum(-1))

    def posterior(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """p(z | x) = N(M^-1 W^T (x - b), s2 M^-1)."""
        m_inv = torch.linalg.inv(self.m_matrix())
        mean = (x - self.bias) @ self.weight @ m_inv.T
        return mean, self.noise_var * m_inv

    def log_joint(self, x: Tensor, z: Tensor) -> Tensor:
        """log p(z) + log p(x | z)."""
        log_pz = -0.5 * (LOG_2PI + z ** 2).sum(-1)
        mean = z @ self.weight.T + self.bias
        log_px = -0.5 * (self.D * (LOG_2PI + torch.log(self.noise_var))
                         + ((x - mean) ** 2).sum(-1) / self.noise_var)
        return log_pz + log_px

    def elbo(self, x: Tensor, mu: Tensor, logvar: Tensor) -> Tensor:
        """E_q[log p(x, z)] + H(q) for q = N(mu, diag exp(logvar)), in closed form."""
        var = torch.exp(logvar)
        resid = x - (mu @ self.weight.T + self.bias)
        col_sq = (self.weight ** 2).sum(0)  # ||W[:, k]||^2
        expected_sq = (resid ** 2).sum(-1) + (var * col_sq).sum(-1)
        e_log_px = -0.5 * (self.D * (LOG_2PI + torch.log(self.noise_var)) + expected_sq / self.noise_var)
        return e_log_px - kl_normal_std(mu, logvar)

    def _precision(self) -> Tensor:  # of p(z | x): M / s2
        return self.m_matrix() / self.noise_var

    def best_diagonal_q(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """The ELBO-maximising diagonal q: posterior mean and logvar = -log diag(precision)."""
        mean, _ = self.posterior(x)
        logvar = -torch.log(torch.diagonal(self._precision()))
        return mean, logvar.expand_as(mean)

    def diagonal_gap(self) -> Tensor:
        """log p(x) - max ELBO over diagonal q = KL(best q || posterior); independent of x."""
        prec = self._precision()
        return 0.5 * (torch.log(torch.diagonal(prec)).sum() - torch.logdet(prec))

    def sample(self, n: int, *, generator: torch.Generator | None = None) -> tuple[Tensor, Tensor]:
        """n joint draws (x, z), x of shape (n, D) and z of shape (n, K)."""
        kw = dict(generator=generator, dtype=self.weight.dtype, device=self.weight.device)
        z = torch.randn(n, self.K, **kw)
        noise = torch.randn(n, self.D, **kw)
        return z @ self.weight.T + self.bias + torch.sqrt(self.noise_var) * noise, z


def _draw_eps(mu: Tensor, eps: Tensor | None, num_samples: int,
              generator: torch.Generator | None) -> Tensor:
    if eps is None:
        return torch.randn((num_samples, *mu.shape), generator=generator, dtype=mu.dtype, device=mu.device)
    return eps.unsqueeze(0) if eps.dim() == mu.dim() else eps


def _reduce(g: Tensor, reduction: str) -> Tensor:
    return g.mean(0) if reduction == "mean" else g.sum(0) if reduction == "sum" else g


def score_function_gradient(f: Callable[[Tensor], Tensor], mu: Tensor, logvar: Tensor, *,
                            eps: Tensor | None = None, num_samples: int = 1,
                            generator: torch.Generator | None = None,
                            reduction: str = "mean") -> tuple[Tensor, Tensor]:
    """REINFORCE estimate f(z) * grad log q(z) of grad_(mu, logvar) E_q[f(z)]."""
    eps = _draw_eps(mu, eps, num_samples, generator)
    with torch.no_grad():
        mu_d, lv_d = mu.detach(), logvar.detach()
        z = mu_d + torch.exp(0.5 * lv_d) * eps
        fz = f(z)
        if fz.dim() < z.dim():
            fz = fz.unsqueeze(-1)
        g_mu = fz * eps * torch.exp(-0.5 * lv_d)  # d log q / d mu = (z - mu) / var
        g_lv = fz * 0.5 * (eps ** 2 - 1.0)        # d log q / d logvar
    return _reduce(g_mu, reduction), _reduce(g_lv, reduction)


def reparameterization_gradient(f: Callable[[Tensor], Tensor], mu: Tensor, logvar: Tensor, *,
                                eps: Tensor | None = None, num_samples: int = 1,
                                generator: torch.Generator | None = None,
                                reduction: str = "mean") -> tuple[Tensor, Tensor]:
    """Pathwise estimate grad_(mu, logvar) f(mu + exp(logvar / 2) eps)."""
    eps = _draw_eps(mu, eps, num_samples, generator)
    mu_l = mu.detach().expand_as(eps).clone().requires_grad_(True)
    lv_l = logvar.detach().expand_as(eps).clone().requires_grad_(True)
    with torch.enable_grad():
        out = f(mu_l + torch.exp(0.5 * lv_l) * eps)
        g_mu, g_lv = torch.autograd.grad(out.sum(), (mu_l, lv_l), allow_unused=True)
    g_mu = torch.zeros_like(mu_l) if g_mu is None else g_mu
    g_lv = torch.zeros_like(lv_l) if g_lv is None else g_lv
    return _reduce(g_mu, reduction), _reduce(g_lv, reduction)


