r"""The linear-Gaussian latent variable model (probabilistic PCA): everything in closed form.

.. math::

    p(z) = N(0, I_K), \qquad p(x \mid z) = N(W z + b, \sigma^2 I_D)

    \log p(x) = \log N(x;\ b,\ W W^\top + \sigma^2 I_D)

    p(z \mid x) = N\big(M^{-1} W^\top (x - b),\ \sigma^2 M^{-1}\big), \qquad M = W^\top W + \sigma^2 I_K

For a diagonal q = N(mu, diag(v)), v = exp(logvar), the ELBO is exact (the likelihood is quadratic
in z):

.. math::

    \mathrm{ELBO}(q) = -\tfrac{D}{2}\log(2\pi\sigma^2)
        - \frac{\|x - b - W mu\|^2 + \sum_j \|W_{:j}\|^2 v_j}{2\sigma^2} - KL(q \,\|\, N(0, I))
        = \log p(x) - KL(q \,\|\, p(z \mid x))

The best diagonal q (the mean-field optimum) has the posterior mean and the variances
``sigma^2 / M_jj`` (the inverse diagonal of the posterior precision M / sigma^2); it leaves the gap
``log p(x) - ELBO = 1/2 (sum_j log M_jj - log det M)``, independent of x, and zero exactly when W has
orthogonal columns (M diagonal). In code: ``weight`` is W ``(D, K)``, ``bias`` is b ``(D,)``,
``noise_var`` is sigma^2 > 0.

Numerics: every method computes in float64 and rounds once to the parameters' dtype; data enter
centred, ``r = x - b``, and residuals are ``r - W z`` (never ``x - (W z + b)``, which loses W z
against a large b). The quadratic form of ``log_marginal`` is the minimum of a sum of squares,

.. math::

    r^\top C^{-1} r = \min_z \big[\|r - W z\|^2 / \sigma^2 + \|z\|^2\big]
                   = \|r - W m\|^2 / \sigma^2 + \|m\|^2, \qquad m = M^{-1} W^\top r,

two non-negative terms (no ``inf - inf``, no cancellation), evaluated on ``r / max|r|`` and scaled
back by ``max|r|^2``, so it overflows only where the true value does.

References:
    M. E. Tipping, C. M. Bishop. Probabilistic Principal Component Analysis. JRSS B 61(3), 1999,
    eqs. (4), (6) and Appendix A; C. M. Bishop, PRML (2006), eqs. (12.35), (12.42)-(12.44);
    Sec. 10.1.2 (the mean-field Gaussian).
    Seed 004 (``004_66c9886f7d9d9ca6.txt``), eqs. (4)-(5): KL(q || p(z|x)) = log p(x) - ELBO, which
    this model makes checkable to round-off. Seed 002, "VAE": p(x|z) = N(x | f(z), sigma^2 I) with f
    linear.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

from genspec.reference.gaussian import _WIDE, times_exp, check_gaussian, kl_normal_std
from genspec.reference.validation import (
    check_event, check_finite, check_floating, check_generator, expected, integer, positive_number,
)

__all__ = ["LinearGaussian"]

_LOG_2PI = math.log(2.0 * math.pi)


class LinearGaussian:
    """p(z) = N(0, I_K), p(x | z) = N(weight @ z + bias, noise_var * I_D).

    Args:
        weight: W, ``(D, K)`` with D, K >= 1; finite.
        bias: b, ``(D,)``; finite.
        noise_var: sigma^2, a positive finite number (float or 0-d tensor).

    Every method takes finite x ``(*batch, D)`` and finite latents ``(*batch, K)``; a bad argument
    (NaN or ±inf, a wrong last dimension, a 0-d tensor) raises ``ValueError`` naming it.
    """

    def __init__(self, weight: Tensor, bias: Tensor, noise_var: float | Tensor) -> None:
        check_floating("weight", weight)
        check_floating("bias", bias)
        if weight.dim() != 2 or 0 in weight.shape:
            raise ValueError(expected("weight", weight, "have shape (D, K) with D, K >= 1",
                                      f"shape {tuple(weight.shape)}"))
        if bias.shape != weight.shape[:1]:
            raise ValueError(expected("bias", bias, f"have shape (D,) = ({weight.shape[0]},) like weight's rows",
                                      f"shape {tuple(bias.shape)}"))
        check_finite("weight", weight)
        check_finite("bias", bias)
        noise = self._noise_var(noise_var, weight)
        self.weight = weight
        self.bias = bias
        self.noise_var = noise

    @staticmethod
    def _noise_var(noise_var: float | Tensor, weight: Tensor) -> Tensor:
        """sigma^2 as a 0-d tensor in weight's dtype: a positive finite number, or a 0-d (non-bool) tensor of one."""
        if isinstance(noise_var, Tensor):
            if noise_var.dim() != 0 or noise_var.dtype == torch.bool or noise_var.is_complex():
                raise ValueError(expected("noise_var", noise_var, "be a positive finite number or a 0-d real tensor"))
            noise = noise_var.to(dtype=weight.dtype, device=weight.device)
        else:
            noise = torch.tensor(positive_number("noise_var", noise_var), dtype=weight.dtype, device=weight.device)
        if not bool(torch.isfinite(noise) & (noise > 0)):  # also where weight's dtype rounds it to 0 or inf
            raise ValueError(expected("noise_var", noise_var, f"be a positive finite number in {weight.dtype}"))
        return noise

    @property
    def dim_x(self) -> int:
        """D, the data dimension."""
        return self.weight.shape[0]

    @property
    def dim_z(self) -> int:
        """K, the latent dimension."""
        return self.weight.shape[1]

    def _check_x(self, x: Tensor) -> None:
        check_floating("x", x)
        check_event("x", x)
        check_finite("x", x)
        if x.shape[-1] != self.dim_x:
            raise ValueError(expected("x", x, f"have D={self.dim_x} data dimensions (weight's rows)", f"{x.shape[-1]}"))

    def _check_latent(self, x: Tensor, **named: Tensor) -> None:
        """Latents ``(*batch, K)``: finite, K = weight's columns, batch dims broadcasting with x's."""
        check_gaussian(**named)
        for name, value in named.items():
            if value.shape[-1] != self.dim_z:
                raise ValueError(expected(name, value, f"have K={self.dim_z} latent dimensions (weight's columns)",
                                          f"{value.shape[-1]}"))
        try:
            torch.broadcast_shapes(x.shape[:-1], *(v.shape[:-1] for v in named.values()))
        except RuntimeError:
            name, value = next(iter(named.items()))
            raise ValueError(expected(name, value, "have batch dimensions that broadcast with x's "
                                      f"{tuple(x.shape[:-1])}", f"shape {tuple(value.shape)}")) from None

    def m_matrix(self) -> Tensor:
        """``M = W^T W + sigma^2 I_K``, ``(K, K)``."""
        eye = torch.eye(self.dim_z, dtype=self.weight.dtype, device=self.weight.device)
        return self.weight.T @ self.weight + self.noise_var * eye

    def _wide(self) -> tuple[Tensor, Tensor, Tensor]:
        """``(W, b, sigma^2)`` in float64."""
        return self.weight.to(_WIDE), self.bias.to(_WIDE), self.noise_var.to(_WIDE)

    def _out(self, value: Tensor) -> Tensor:
        return value.to(self.weight.dtype)

    def log_joint(self, x: Tensor, z: Tensor) -> Tensor:
        """``log p(x | z) + log p(z)``; x ``(*batch, D)``, z ``(*batch, K)`` -> ``(*batch,)``."""
        self._check_x(x)
        self._check_latent(x, z=z)
        w, b, s2 = self._wide()
        z = z.to(_WIDE)
        residual = (x.to(_WIDE) - b) - z @ w.T  # centred first: W z is not lost against a large b
        log_lik = -0.5 * (self.dim_x * (_LOG_2PI + s2.log()) + residual.square().sum(-1) / s2)
        log_prior = -0.5 * (self.dim_z * _LOG_2PI + z.square().sum(-1))
        return self._out(log_lik + log_prior)

    def log_marginal(self, x: Tensor) -> Tensor:
        """Exact ``log p(x) = log N(x; b, W W^T + sigma^2 I)``; x ``(*batch, D)`` -> ``(*batch,)``.

        Computed through M (K x K) by the matrix determinant lemma,
        ``log det C = (D - K) log sigma^2 + log det M``, and
        ``r^T C^{-1} r = a^2 (|u - W m|^2 / sigma^2 + |m|^2)`` with r = x - b, a = max_j |r_j|,
        u = r / a and m = M^{-1} W^T u (by Cholesky): two non-negative terms, scaled.
        """
        self._check_x(x)
        w, b, s2 = self._wide()
        chol = torch.linalg.cholesky(w.T @ w + s2 * torch.eye(self.dim_z, dtype=_WIDE, device=w.device))
        r = x.to(_WIDE) - b
        a = r.abs().amax(-1, keepdim=True)
        a = torch.where(a > 0, a, 1.0)
        u = r / a  # (*batch, D), entries in [-1, 1]
        m = torch.cholesky_solve((u @ w).unsqueeze(-1), chol).squeeze(-1)  # (*batch, K)
        quad_u = (u - m @ w.T).square().sum(-1) / s2 + m.square().sum(-1)
        quad = a.squeeze(-1) * (a.squeeze(-1) * quad_u)  # overflows only where r^T C^-1 r does
        log_det = (self.dim_x - self.dim_z) * s2.log() + 2 * chol.diagonal().log().sum()
        return self._out(-0.5 * (self.dim_x * _LOG_2PI + log_det + quad))

    def posterior(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """The exact posterior p(z | x) = N(mean, covariance).

        Returns:
            mean ``(*batch, K)`` = M^{-1} W^T (x - b) and covariance ``(K, K)`` = sigma^2 M^{-1}
            (the same for every x).
        """
        self._check_x(x)
        w, b, s2 = self._wide()
        m = w.T @ w + s2 * torch.eye(self.dim_z, dtype=_WIDE, device=w.device)
        chol = torch.linalg.cholesky(m)
        mean = torch.cholesky_solve(((x.to(_WIDE) - b) @ w).unsqueeze(-1), chol).squeeze(-1)
        return self._out(mean), self._out(s2 * torch.cholesky_inverse(chol))

    def best_diagonal_q(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """The diagonal Gaussian q maximising the ELBO: ``(mu, logvar)``, each ``(*batch, K)``.

        mu is the posterior mean; logvar_j = log sigma^2 - log M_jj.
        """
        mean, _ = self.posterior(x)
        logvar = self.noise_var.log() - self.m_matrix().diagonal().log()
        return mean, logvar.expand_as(mean)

    def diagonal_gap(self) -> Tensor:
        """``log p(x) - max_{diagonal q} ELBO(q) = 1/2 (sum_j log M_jj - log det M)``, a 0-d tensor."""
        m = self.m_matrix()
        return 0.5 * (m.diagonal().log().sum() - torch.linalg.slogdet(m).logabsdet)

    def elbo(self, x: Tensor, mu: Tensor, logvar: Tensor) -> Tensor:
        """The exact ELBO of q = N(mu, diag(exp(logvar))) at x; ``(*batch,)``.

        Args:
            x: ``(*batch, D)``.
            mu, logvar: ``(*batch, K)``.
        """
        self._check_x(x)
        self._check_latent(x, mu=mu, logvar=logvar)
        w, b, s2 = self._wide()
        mu64, logvar64 = mu.to(_WIDE), logvar.to(_WIDE)
        residual = (x.to(_WIDE) - b) - mu64 @ w.T  # centred first
        spread = times_exp(w.square().sum(0).expand_as(logvar64), logvar64).sum(-1)  # sum_j |W_j|^2 exp(logvar_j)
        expected_log_lik = -0.5 * (self.dim_x * (_LOG_2PI + s2.log()) + (residual.square().sum(-1) + spread) / s2)
        return self._out(expected_log_lik - kl_normal_std(mu64, logvar64))

    def sample(self, n: int, *, generator: torch.Generator | None = None) -> tuple[Tensor, Tensor]:
        """n draws (x, z) from the model: x ``(n, D)``, z ``(n, K)``."""
        n = integer("n", n, minimum=0)
        check_generator(generator)
        opts = dict(dtype=self.weight.dtype, device=self.weight.device, generator=generator)
        z = torch.randn(n, self.dim_z, **opts)
        noise = torch.randn(n, self.dim_x, **opts)
        return z @ self.weight.T + self.bias + self.noise_var.sqrt() * noise, z
