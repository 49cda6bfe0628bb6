"""The plumbing the protocol adapters share: reproducible randomness from a ``torch.Generator`` for
libraries that draw from the global RNG, a factory wrapper that declares the optional ``dims`` and
``batch_ranks``, and a ``Sampler`` that exposes a ``torch.distributions`` object through the SAMPLERS
protocol (``docs/spec-api.md``, "Protocols"). Used by ``torch_protocols``, ``pyro_protocols``,
``zuko_flows``, ``nflows_flows``, ``normflows_flows`` and ``freia_flows``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.distributions import transforms as T

def seed_from(generator: torch.Generator, high: int = 2**62) -> int:
    """One integer in ``[0, high)`` drawn from ``generator`` (advancing it)."""
    return int(torch.randint(high, (), generator=generator, device=generator.device))


def _rng_devices() -> list[int]:
    return list(range(torch.cuda.device_count())) if torch.cuda.is_available() else []


@contextlib.contextmanager
def seeded_global_rng(generator: torch.Generator | None) -> Iterator[None]:
    """Run the body on torch's global RNG seeded from ``generator``, then restore the global RNG.

    With ``generator=None`` the body runs on the global RNG as it is (no fork, no seeding)."""
    if generator is None:
        yield
        return
    seed = seed_from(generator)
    with torch.random.fork_rng(devices=_rng_devices()):
        torch.manual_seed(seed)
        yield


@contextlib.contextmanager
def seeded_numpy_rng(generator: torch.Generator | None) -> Iterator[None]:
    """Run the body on numpy's global RNG seeded from ``generator``, then restore numpy's RNG state."""
    if generator is None:
        yield
        return
    state = np.random.get_state()
    np.random.seed(seed_from(generator, 2**32))
    try:
        yield
    finally:
        np.random.set_state(state)


def flow_factory(build: Callable[[int], nn.Module], *, dims: tuple[int, ...] | None = None,
                 batch_ranks: tuple[int, ...] | None = None, numpy_rng: bool = False,
                 **attributes: Any) -> Callable[..., nn.Module]:
    """A ``FLOWS`` factory ``make(dim, *, generator, dtype)`` around ``build(dim)``.

    ``build`` runs with torch's global RNG (and numpy's, with ``numpy_rng``) seeded from ``generator``
    and restored afterwards, so the library's own initialisation (``nn.Linear``'s, ``torch.randperm``
    ...) is drawn from ``generator``; the module is then cast with ``module.to(dtype)`` (PyTorch's
    ordinary cast of parameters and floating-point buffers). ``dims``, ``batch_ranks`` and any other
    ``attributes`` become attributes of the factory."""

    def make(dim: int, *, generator: torch.Generator | None = None,
             dtype: torch.dtype = torch.float32) -> nn.Module:
        numpy_ctx = seeded_numpy_rng(generator) if numpy_rng else contextlib.nullcontext()
        with seeded_global_rng(generator), numpy_ctx:
            module = build(dim)
        return module.to(dtype)

    make.__doc__ = build.__doc__
    make.__name__ = getattr(build, "__name__", "make")
    if dims is not None:
        make.dims = tuple(dims)
    if batch_ranks is not None:
        make.batch_ranks = tuple(batch_ranks)
    for key, value in attributes.items():
        setattr(make, key, value)
    return make


class Sampler:
    """A torch ``Distribution`` rebuilt from leaf tensors on every call.

    Arguments:
        build: maps the leaves (keyword arguments) to a ``torch.distributions.Distribution``.
        leaves: the unconstrained parameters, leaf tensors requiring grad.
    """

    def __init__(self, build: Callable[..., torch.distributions.Distribution], leaves: dict[str, torch.Tensor],
                 constants: dict[str, torch.Tensor] | None = None):
        self._build = build
        self._leaves = leaves
        self._constants = dict(constants or {})

    def distribution(self) -> torch.distributions.Distribution:
        return self._build(**self._leaves, **self._constants)

    def rsample(self, sample_shape: tuple[int, ...] | torch.Size = (), *,
                generator: torch.Generator | None = None) -> torch.Tensor:
        d = self.distribution()
        with seeded_global_rng(generator):
            return d.rsample(torch.Size(sample_shape))

    def log_prob(self, x: torch.Tensor) -> torch.Tensor:
        return self.distribution().log_prob(x)

    def parameters(self) -> Iterator[torch.Tensor]:
        return iter(self._leaves.values())

    @property
    def event_shape(self) -> tuple[int, ...]:
        return tuple(self.distribution().event_shape)

    def __repr__(self) -> str:
        return f"Sampler({self.distribution()!r})"


def sampler_factory(build: Callable[..., torch.distributions.Distribution], *,
                    constants: dict[str, tuple[int, ...]] | None = None,
                    **shapes: tuple[int, ...]) -> Callable[..., Sampler]:
    """A ``SAMPLERS`` factory ``make(*, generator, dtype)``: one standard-normal leaf per entry of
    ``shapes`` (scaled by 0.5), drawn from ``generator`` on its device, in ``dtype``. ``constants``:
    further tensors drawn the same way but not requiring grad and not among ``parameters()`` (inputs
    of the constructor that do not parameterise the law)."""

    def make(*, generator: torch.Generator | None = None, dtype: torch.dtype = torch.float32) -> Sampler:
        device = generator.device if generator is not None else None
        leaves = {}
        for name, shape in shapes.items():
            value = 0.5 * torch.randn(shape, generator=generator, dtype=dtype, device=device)
            leaves[name] = value.requires_grad_()
        fixed = {name: 0.5 * torch.randn(shape, generator=generator, dtype=dtype, device=device)
                 for name, shape in (constants or {}).items()}
        return Sampler(build, leaves, fixed)

    return make


def lower_cholesky(raw: torch.Tensor) -> torch.Tensor:
    """``tril(raw, -1) + diag(exp(diag(raw)))``: a lower-triangular factor with positive diagonal."""
    return torch.tril(raw, -1) + torch.diag_embed(torch.exp(torch.diagonal(raw, dim1=-2, dim2=-1)))


class TransformFlow(nn.Module):
    """A torch ``Transform`` (latent to data) as the contract's flow (data to latent).

    Subclasses define ``transform()``, which builds the torch transform from the module's
    parameters."""

    def transform(self) -> T.Transform:
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Data to latent: ``t.inv`` and ``t.inv.log_abs_det_jacobian``."""
        t = self.transform().inv
        z = t(x)
        return z, t.log_abs_det_jacobian(x, z)

    def inverse(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Latent to data: ``t`` and ``t.log_abs_det_jacobian``."""
        t = self.transform()
        x = t(z)
        return x, t.log_abs_det_jacobian(z, x)
