"""Correct flows, a sampler and a relaxed categorical written independently in plain torch.

The false-alarm guard of the protocol checks: ``genspec check --impl meta_tests/foreign_flows.py
--area flows,gaussian,gumbel`` must pass every law check (the module defines none of the contract's
other names; those checks end as not provided). Written from the protocol of docs/spec-api.md alone,
the way flow libraries write them (nothing is imported from genspec):

* ``FLOWS["RealNVP"]``: affine couplings on alternating halves (Dinh et al., arXiv:1605.08803, eq.
  (4)-(6)), log-scale bounded by ``2 tanh``, the reverse permutation between couplings, the nets'
  last layers initialised to zero (the identity, as RealNVP and Glow code does); a standard normal
  base, so also ``log_prob`` and ``sample``.
* ``FLOWS["MAF"]``: masked autoregressive layers (Papamakarios et al., arXiv:1705.07057, eq. (2)-(4))
  with MADE masks (Germain et al., arXiv:1502.03509), u = (x - mu(x)) exp(-alpha(x)); the inverse is
  sequential, D passes; two layers with the order reversed between them; a standard normal base.
* ``SAMPLERS``: a full-covariance Gaussian (``loc + L eps``, L lower triangular with a positive
  diagonal) and a 1-D logistic (inverse CDF), each with its own log density.
* ``RELAXED["Concrete"]``: y = softmax((logits + g) / tau) in log space, with the Concrete density.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

import torch
import torch.nn.functional as F
from torch import Tensor, nn

LOG_2PI = math.log(2 * math.pi)


def _init_from(module: nn.Module, generator: torch.Generator, zero_last: list[nn.Linear]) -> nn.Module:
    """PyTorch's default Linear initialisation, drawn from ``generator``; ``zero_last`` set to zero."""
    with torch.no_grad():
        for layer in module.modules():
            if isinstance(layer, nn.Linear):
                bound = 1 / math.sqrt(layer.in_features)
                layer.weight.copy_((torch.rand(layer.weight.shape, generator=generator) * 2 - 1) * bound)
                layer.bias.copy_((torch.rand(layer.bias.shape, generator=generator) * 2 - 1) * bound)
        for layer in zero_last:
            layer.weight.zero_()
            layer.bias.zero_()
    return module


class _StandardNormalBase(nn.Module):
    """``log_prob`` and ``sample`` of a flow whose latent is N(0, I): subclasses give forward/inverse."""

    dim: int

    def log_prob(self, x: Tensor) -> Tensor:
        z, logdet = self.forward(x)
        return -0.5 * (z * z).sum(-1) - 0.5 * self.dim * LOG_2PI + logdet

    def sample(self, n: int, *, generator: torch.Generator | None = None) -> Tensor:
        dtype = next(self.parameters()).dtype
        return self.inverse(torch.randn(n, self.dim, generator=generator, dtype=dtype))[0]


class AffineCoupling(nn.Module):
    """y_b = x_b exp(s(x_a)) + t(x_a) on the half b, x_a passed through; logdet = sum s."""

    def __init__(self, dim: int, flip: bool, hidden: int = 16) -> None:
        super().__init__()
        self.a = list(range(dim // 2, dim)) if flip else list(range(dim // 2))
        self.b = [i for i in range(dim) if i not in self.a]
        self.out = nn.Linear(hidden, 2 * len(self.b))
        self.net = nn.Sequential(nn.Linear(len(self.a), hidden), nn.Tanh(), self.out)

    def _shift_log_scale(self, xa: Tensor) -> tuple[Tensor, Tensor]:
        t, raw = self.net(xa).chunk(2, dim=-1)
        return t, 2.0 * torch.tanh(raw / 2.0)

    def _merge(self, xa: Tensor, xb: Tensor) -> Tensor:
        out = torch.empty(*xa.shape[:-1], len(self.a) + len(self.b), dtype=xa.dtype)
        out[..., self.a] = xa
        out[..., self.b] = xb
        return out

    def forward(self, x: Tensor) -> tuple[Tensor, Tensor]:
        xa, xb = x[..., self.a], x[..., self.b]
        t, s = self._shift_log_scale(xa)
        return self._merge(xa, xb * torch.exp(s) + t), s.sum(-1)

    def inverse(self, y: Tensor) -> tuple[Tensor, Tensor]:
        ya, yb = y[..., self.a], y[..., self.b]
        t, s = self._shift_log_scale(ya)
        return self._merge(ya, (yb - t) * torch.exp(-s)), -s.sum(-1)


class RealNVP(_StandardNormalBase):
    """Affine couplings on alternating halves with a reversal between them; N(0, I) latent."""

    def __init__(self, dim: int, couplings: int = 4) -> None:
        super().__init__()
        self.dim = dim
        self.couplings = nn.ModuleList(AffineCoupling(dim, flip=k % 2 == 1) for k in range(couplings))

    def forward(self, x: Tensor) -> tuple[Tensor, Tensor]:
        logdet = torch.zeros(x.shape[:-1], dtype=x.dtype)
        for layer in self.couplings:
            x, ld = layer(x)
            x = x.flip(-1)
            logdet = logdet + ld
        return x, logdet

    def inverse(self, z: Tensor) -> tuple[Tensor, Tensor]:
        logdet = torch.zeros(z.shape[:-1], dtype=z.dtype)
        for layer in reversed(self.couplings):
            z, ld = layer.inverse(z.flip(-1))
            logdet = logdet + ld
        return z, logdet


class MaskedLinear(nn.Linear):
    def __init__(self, n_in: int, n_out: int, mask: Tensor) -> None:
        super().__init__(n_in, n_out)
        self.register_buffer("mask", mask.to(self.weight.dtype))

    def forward(self, x: Tensor) -> Tensor:
        return F.linear(x, self.weight * self.mask.to(self.weight.dtype), self.bias)


class MADE(nn.Module):
    """Outputs (mu, alpha) of shape (*, D) each, output i depending on inputs before i only."""

    def __init__(self, dim: int, hidden: int = 16) -> None:
        super().__init__()
        d_in = torch.arange(1, dim + 1)
        d_hidden = torch.arange(hidden) % max(1, dim - 1) + 1
        first = (d_hidden[:, None] >= d_in[None, :])
        last = (d_in[:, None] > d_hidden[None, :]).repeat(2, 1)
        self.out = MaskedLinear(hidden, 2 * dim, last)
        self.net = nn.Sequential(MaskedLinear(dim, hidden, first), nn.Tanh(), self.out)

    def forward(self, x: Tensor) -> tuple[Tensor, Tensor]:
        mu, raw = self.net(x).chunk(2, dim=-1)
        return mu, 2.0 * torch.tanh(raw / 2.0)


class MAFLayer(nn.Module):
    """u = (x - mu(x)) exp(-alpha(x)): one pass; the inverse x_i = u_i exp(alpha_i) + mu_i, D passes."""

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.dim = dim
        self.made = MADE(dim)

    def forward(self, x: Tensor) -> tuple[Tensor, Tensor]:
        mu, alpha = self.made(x)
        return (x - mu) * torch.exp(-alpha), -alpha.sum(-1)

    def inverse(self, u: Tensor) -> tuple[Tensor, Tensor]:
        x = torch.zeros_like(u)
        for i in range(self.dim):
            mu, alpha = self.made(x)
            x = x.clone()
            x[..., i] = u[..., i] * torch.exp(alpha[..., i]) + mu[..., i]
        _, alpha = self.made(x)
        return x, alpha.sum(-1)


class MAF(_StandardNormalBase):
    """Two MAF layers with the order reversed between them; N(0, I) latent."""

    def __init__(self, dim: int, layers: int = 2) -> None:
        super().__init__()
        self.dim = dim
        self.layers = nn.ModuleList(MAFLayer(dim) for _ in range(layers))

    def forward(self, x: Tensor) -> tuple[Tensor, Tensor]:
        logdet = torch.zeros(x.shape[:-1], dtype=x.dtype)
        for layer in self.layers:
            x, ld = layer(x)
            x, logdet = x.flip(-1), logdet + ld
        return x, logdet

    def inverse(self, z: Tensor) -> tuple[Tensor, Tensor]:
        logdet = torch.zeros(z.shape[:-1], dtype=z.dtype)
        for layer in reversed(self.layers):
            z, ld = layer.inverse(z.flip(-1))
            logdet = logdet + ld
        return z, logdet


def _realnvp(dim: int, *, generator: torch.Generator, dtype: torch.dtype = torch.float32) -> RealNVP:
    flow = RealNVP(dim)
    return _init_from(flow, generator, [c.out for c in flow.couplings]).to(dtype)


def _maf(dim: int, *, generator: torch.Generator, dtype: torch.dtype = torch.float32) -> MAF:
    flow = MAF(dim)
    return _init_from(flow, generator, [layer.made.out for layer in flow.layers]).to(dtype)


_realnvp.dims = tuple(range(2, 9))  # type: ignore[attr-defined]
_maf.dims = tuple(range(1, 9))  # type: ignore[attr-defined]
FLOWS: dict[str, Callable[..., nn.Module]] = {"RealNVP": _realnvp, "MAF": _maf}


class CholeskyGaussian:
    """N(loc, L Lᵀ), L = tril(raw, -1) + diag(exp(diag(raw))): rsample = loc + L eps."""

    def __init__(self, loc: Tensor, raw: Tensor) -> None:
        self.loc, self.raw = loc, raw
        self.event_shape = tuple(loc.shape)

    def _l(self) -> Tensor:
        return torch.tril(self.raw, -1) + torch.diag(torch.exp(torch.diagonal(self.raw)))

    def rsample(self, sample_shape: tuple[int, ...] = (), *, generator: torch.Generator | None = None) -> Tensor:
        eps = torch.randn((*sample_shape, *self.event_shape), generator=generator, dtype=self.loc.dtype)
        return self.loc + eps @ self._l().T

    def log_prob(self, x: Tensor) -> Tensor:
        d = x - self.loc
        w = torch.linalg.solve_triangular(self._l(), d.unsqueeze(-1), upper=False).squeeze(-1)
        return -0.5 * (w * w).sum(-1) - torch.diagonal(self.raw).sum() - 0.5 * self.event_shape[0] * LOG_2PI

    def parameters(self) -> Iterator[Tensor]:
        return iter((self.loc, self.raw))


class Logistic:
    """The 1-D logistic distribution (event shape ()): rsample = loc + scale (log u - log(1 - u))."""

    event_shape: tuple[int, ...] = ()

    def __init__(self, loc: Tensor, log_scale: Tensor) -> None:
        self.loc, self.log_scale = loc, log_scale

    def rsample(self, sample_shape: tuple[int, ...] = (), *, generator: torch.Generator | None = None) -> Tensor:
        u = torch.rand(sample_shape, generator=generator, dtype=self.loc.dtype).clamp(1e-12, 1 - 1e-12)
        return self.loc + torch.exp(self.log_scale) * (torch.log(u) - torch.log1p(-u))

    def log_prob(self, x: Tensor) -> Tensor:
        v = (x - self.loc) * torch.exp(-self.log_scale)
        return -v - 2 * F.softplus(-v) - self.log_scale

    def parameters(self) -> Iterator[Tensor]:
        return iter((self.loc, self.log_scale))


def _cholesky_gaussian(*, generator: torch.Generator, dtype: torch.dtype = torch.float32) -> CholeskyGaussian:
    loc = (0.5 * torch.randn(3, generator=generator, dtype=torch.float64)).to(dtype).requires_grad_()
    raw = (0.4 * torch.randn(3, 3, generator=generator, dtype=torch.float64)).to(dtype).requires_grad_()
    return CholeskyGaussian(loc, raw)


def _logistic(*, generator: torch.Generator, dtype: torch.dtype = torch.float32) -> Logistic:
    loc, log_scale = (0.5 * torch.randn(2, generator=generator, dtype=torch.float64)).to(dtype)
    return Logistic(loc.clone().requires_grad_(), log_scale.clone().requires_grad_())


SAMPLERS: dict[str, Callable[..., object]] = {"CholeskyGaussian": _cholesky_gaussian, "Logistic": _logistic}


class Concrete:
    """y = exp(log_softmax((logits + g) / tau)), g = -log(-log u); log_prob: the Concrete density."""

    def sample(self, logits: Tensor, tau: float, *, generator: torch.Generator | None = None) -> Tensor:
        u = torch.rand(logits.shape, generator=generator, dtype=torch.float64)
        g = -torch.log(-torch.log(u.clamp(1e-300, 1.0 - 1e-16)))
        return torch.exp(torch.log_softmax((logits + g.to(logits.dtype)) / tau, dim=-1))

    def log_prob(self, y: Tensor, logits: Tensor, tau: float) -> Tensor:
        k = y.shape[-1]
        log_y = torch.log(y)
        scores = logits - tau * log_y
        return (math.lgamma(k) + (k - 1) * math.log(tau) + (scores - log_y).sum(-1)
                - k * torch.logsumexp(scores, dim=-1))


RELAXED: dict[str, Concrete] = {"Concrete": Concrete()}
