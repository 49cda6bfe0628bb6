"""The flows area: additive coupling, scaling, permutations, composition, NICE, bits/dim, dequantization.

Part of the foreign-style control (``meta_tests/foreign_control``), written from the contract alone.
"""

from __future__ import annotations

import math
from typing import Iterable, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

LOG_2PI = math.log(2.0 * math.pi)


# ---------------------------------------------------------------- Flows

def _zero_logdet(x: Tensor) -> Tensor:
    return torch.zeros(x.shape[:-1], dtype=x.dtype, device=x.device)


class AdditiveCoupling(nn.Module):
    """y[mask] = x[mask], y[~mask] = x[~mask] + net(x[mask]); unit Jacobian."""

    def __init__(self, mask: Tensor, net: nn.Module) -> None:
        super().__init__()
        self.register_buffer("mask", torch.as_tensor(mask, dtype=torch.bool))
        self.net = net

    def _shift(self, x: Tensor, sign: float) -> Tensor:
        y = x.clone()
        y[..., ~self.mask] = x[..., ~self.mask] + sign * self.net(x[..., self.mask])
        return y

    def forward(self, x: Tensor) -> tuple[Tensor, Tensor]:
        return self._shift(x, 1.0), _zero_logdet(x)

    def inverse(self, h: Tensor) -> tuple[Tensor, Tensor]:
        return self._shift(h, -1.0), _zero_logdet(h)


class Scaling(nn.Module):
    """Multiply by exp(log_scale); log_scale starts at zero."""

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.log_scale = nn.Parameter(torch.zeros(dim))

    def forward(self, x: Tensor) -> tuple[Tensor, Tensor]:
        s = self.log_scale.to(x.dtype)
        return x * torch.exp(s), s.sum().expand(x.shape[:-1])

    def inverse(self, h: Tensor) -> tuple[Tensor, Tensor]:
        s = self.log_scale.to(h.dtype)
        return h * torch.exp(-s), (-s.sum()).expand(h.shape[:-1])


class FlowSequential(nn.Module):
    """Composition of (output, logdet) layers."""

    def __init__(self, layers: Iterable[nn.Module]) -> None:
        super().__init__()
        self.layers = nn.ModuleList(layers)

    def __len__(self) -> int:
        return len(self.layers)

    def __getitem__(self, i: int) -> nn.Module:
        return self.layers[i]

    def forward(self, x: Tensor) -> tuple[Tensor, Tensor]:
        total = _zero_logdet(x)
        for layer in self.layers:
            x, ld = layer(x)
            total = total + ld
        return x, total

    def inverse(self, h: Tensor) -> tuple[Tensor, Tensor]:
        total = _zero_logdet(h)
        for layer in reversed(self.layers):
            h, ld = layer.inverse(h)
            total = total + ld
        return h, total


def interleaved_mask(dim: int, *, odd: bool = False, device: torch.device | str | None = None) -> Tensor:
    """True where i % 2 == int(odd)."""
    return torch.arange(dim, device=device) % 2 == int(odd)


class Permutation(nn.Module):
    """y = x[..., p]; inverse by argsort(p); logdet 0."""

    def __init__(self, permutation: Tensor | Sequence[int]) -> None:
        super().__init__()
        p = torch.as_tensor(permutation, dtype=torch.long)
        self.register_buffer("permutation", p)
        self.register_buffer("inverse_permutation", torch.argsort(p))

    def forward(self, x: Tensor) -> tuple[Tensor, Tensor]:
        return x[..., self.permutation], _zero_logdet(x)

    def inverse(self, h: Tensor) -> tuple[Tensor, Tensor]:
        return h[..., self.inverse_permutation], _zero_logdet(h)


class ReversePermutation(Permutation):
    """p = (D-1, ..., 0)."""

    def __init__(self, dim: int) -> None:
        super().__init__(torch.arange(dim - 1, -1, -1))


class SwapHalves(Permutation):
    """[x_a, x_b] -> [x_b, x_a] with x_a the first floor(D/2) coordinates."""

    def __init__(self, dim: int) -> None:
        h = dim // 2
        super().__init__(torch.cat([torch.arange(h, dim), torch.arange(0, h)]))


class RandomPermutation(Permutation):
    """A fixed permutation drawn from generator."""

    def __init__(self, dim: int, *, generator: torch.Generator | None = None) -> None:
        super().__init__(torch.randperm(dim, generator=generator))


def _mlp(n_in: int, n_out: int, hidden: int, depth: int) -> nn.Sequential:
    layers: list[nn.Module] = []
    width = n_in
    for _ in range(depth):
        layers += [nn.Linear(width, hidden), nn.ReLU()]
        width = hidden
    layers.append(nn.Linear(width, n_out))
    return nn.Sequential(*layers)


class NICE(nn.Module):
    """Additive couplings on alternating interleaved partitions, a final Scaling, a fixed prior."""

    def __init__(self, dim: int, *, couplings: int = 4, hidden: int = 1000, depth: int = 5,
                 prior: str = "logistic") -> None:
        super().__init__()
        if prior not in ("logistic", "gaussian"):
            raise ValueError(f"prior must be 'logistic' or 'gaussian', got {prior!r}")
        self.dim, self.prior = dim, prior
        layers = []
        for i in range(couplings):
            mask = interleaved_mask(dim, odd=bool(i % 2))
            n_in = int(mask.sum())
            layers.append(AdditiveCoupling(mask, _mlp(n_in, dim - n_in, hidden, depth)))
        self.couplings = FlowSequential(layers)
        self.scaling = Scaling(dim)

    def forward(self, x: Tensor) -> tuple[Tensor, Tensor]:
        h, ld = self.couplings(x)
        h, ld2 = self.scaling(h)
        return h, ld + ld2

    def inverse(self, h: Tensor) -> tuple[Tensor, Tensor]:
        x, ld = self.scaling.inverse(h)
        x, ld2 = self.couplings.inverse(x)
        return x, ld + ld2

    def prior_log_prob(self, z: Tensor) -> Tensor:
        if self.prior == "logistic":
            return -(F.softplus(z) + F.softplus(-z)).sum(-1)
        return -0.5 * (z ** 2 + LOG_2PI).sum(-1)

    def log_prob(self, x: Tensor) -> Tensor:
        if torch.isnan(x).any():
            raise ValueError("x contains NaN")
        z, logdet = self.forward(x)
        return self.prior_log_prob(z) + logdet

    def sample(self, n: int, *, temperature: float = 1.0,
               generator: torch.Generator | None = None) -> Tensor:
        p = self.scaling.log_scale
        kw = dict(generator=generator, dtype=p.dtype, device=p.device)
        if self.prior == "logistic":
            u = torch.rand(n, self.dim, **kw).clamp(1e-6, 1 - 1e-6)
            z = torch.log(u) - torch.log1p(-u)
        else:
            z = torch.randn(n, self.dim, **kw)
        return self.inverse(temperature * z)[0]


def bits_per_dim(log_likelihood: Tensor | float, num_dims: int, *, n_bins: int = 256) -> Tensor | float:
    """(D ln n_bins - log_likelihood) / (D ln 2)."""
    if isinstance(log_likelihood, Tensor):
        if torch.isnan(log_likelihood).any():
            raise ValueError("log_likelihood contains NaN")
    elif math.isnan(log_likelihood):
        raise ValueError("log_likelihood is NaN")
    return (num_dims * math.log(n_bins) - log_likelihood) / (num_dims * math.log(2.0))


def dequantize(x: Tensor, *, n_bins: int = 256, generator: torch.Generator | None = None,
               dtype: torch.dtype | None = None) -> Tensor:
    """(x + u) / n_bins, u ~ U[0, 1)."""
    if dtype is None:
        dtype = x.dtype if x.is_floating_point() else torch.get_default_dtype()
    u = torch.rand(x.shape, generator=generator, dtype=dtype, device=x.device)
    return (x.to(dtype) + u) / n_bins


