"""How the flow checks build and feed a flow: the factory's options, the cases, the points.

A ``FLOWS`` factory is ``make(dim, *, generator, dtype) -> flow`` (docs/spec-api.md, "Protocols").
Its optional attributes say what it supports: ``dims`` (default 1-8), ``batch_ranks`` (the numbers of
leading batch dimensions ``forward`` and ``inverse`` take; default 0, 1, 2) and ``domain`` (a
``torch.distributions.constraints`` object of the data side, e.g. ``constraints.positive`` for a
flow whose forward is a logarithm; default the whole of R^D). Data points are
``transform_to(domain)(1.5 · eps)`` with eps ~ N(0, I); latent points are ``1.5 · eps``.

Each case is ``(dim, batch_shape, seed)``: the sweep visits every supported dimension (odd ones
included) and cycles through the batch ranks, so that every rank meets odd and even dimensions.
:func:`build_flow` calls the factory with a generator derived from the case's seed and then perturbs
the flow's parameters (``genspec.protocols.perturb``).

References: docs/spec-api.md, "Protocols"; STYLE.md habit 4 (batch ranks).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import torch

from genspec.protocols.core import generator_for
from genspec.protocols.perturb import perturb_

__all__ = ["BATCH_SHAPES", "DEFAULT_BATCH_RANKS", "DEFAULT_DIMS", "FlowCase", "FlowSetup", "build_flow",
           "data_points", "is_distribution", "latent_points"]

DEFAULT_DIMS: tuple[int, ...] = tuple(range(1, 9))
DEFAULT_BATCH_RANKS: tuple[int, ...] = (0, 1, 2)
BATCH_SHAPES: dict[int, tuple[int, ...]] = {0: (), 1: (5,), 2: (2, 3), 3: (2, 1, 2)}
"""The batch shape used for each batch rank."""
SPREAD = 1.5
"""Probe points are 1.5 standard normals: beyond the unit ball, where nonlinearities bend."""


@dataclass(frozen=True)
class FlowCase:
    """One case of a flow check: the dimension, the batch shape of the points and the seed."""

    dim: int
    batch_shape: tuple[int, ...]
    seed: int


@dataclass(frozen=True)
class FlowSetup:
    """What a factory supports: ``dims``, ``batch_ranks`` and the data ``domain`` (None: R^D)."""

    dims: tuple[int, ...] = DEFAULT_DIMS
    batch_ranks: tuple[int, ...] = DEFAULT_BATCH_RANKS
    domain: Any = None

    @classmethod
    def of(cls, make: Callable[..., Any], *, dims: Sequence[int] | None = None,
           batch_ranks: Sequence[int] | None = None) -> FlowSetup:
        """The setup of ``make``: explicit arguments first, then its attributes, then the defaults."""
        if not callable(make):
            raise TypeError(f"make must be a factory make(dim, *, generator, dtype), got {type(make).__name__}")
        dims = tuple(dims if dims is not None else getattr(make, "dims", DEFAULT_DIMS))
        ranks = tuple(batch_ranks if batch_ranks is not None else getattr(make, "batch_ranks", DEFAULT_BATCH_RANKS))
        if not dims or any(isinstance(d, bool) or not isinstance(d, int) or d < 1 for d in dims):
            raise ValueError(f"dims={dims!r} must be positive integers")
        if not ranks or any(r not in BATCH_SHAPES for r in ranks):
            raise ValueError(f"batch_ranks={ranks!r} must be among {sorted(BATCH_SHAPES)}")
        return cls(dims, ranks, getattr(make, "domain", None))

    def cases(self, seed: int, *, dims: Sequence[int] | None = None) -> list[FlowCase]:
        """Every dimension of ``dims`` (default: all supported), cycling through the batch ranks."""
        chosen = [d for d in (dims if dims is not None else self.dims) if d in self.dims]
        return [FlowCase(d, BATCH_SHAPES[self.batch_ranks[i % len(self.batch_ranks)]], seed + 7919 * i)
                for i, d in enumerate(chosen)]

    def pick(self, preferred: Sequence[int]) -> int:
        """The first of ``preferred`` the factory supports, else its smallest dimension."""
        return next((d for d in preferred if d in self.dims), min(self.dims))

    @property
    def real_domain(self) -> bool:
        """Whether the data side is the whole of R^D."""
        from torch.distributions import constraints

        return self.domain is None or self.domain is constraints.real or self.domain is constraints.real_vector


def data_points(shape: Sequence[int], seed: int, *, domain: Any = None, dtype: torch.dtype = torch.float64,
                label: str = "x") -> torch.Tensor:
    """Points of the data side ``shape`` ``(*batch, D)``: ``transform_to(domain)(1.5 · eps)``."""
    u = SPREAD * torch.randn(tuple(shape), generator=generator_for(seed, label), dtype=torch.float64)
    if domain is not None:
        u = torch.distributions.transform_to(domain)(u)
    return u.to(dtype)


def latent_points(shape: Sequence[int], seed: int, *, dtype: torch.dtype = torch.float64,
                  label: str = "z") -> torch.Tensor:
    """Points of the latent side ``shape`` ``(*batch, D)``: ``1.5 · eps``."""
    return (SPREAD * torch.randn(tuple(shape), generator=generator_for(seed, label), dtype=torch.float64)).to(dtype)


def is_distribution(flow: Any) -> bool:
    """Whether the flow has both ``log_prob`` and ``sample`` (then the density checks apply)."""
    return callable(getattr(flow, "log_prob", None)) and callable(getattr(flow, "sample", None))


def build_flow(make: Callable[..., Any], dim: int, *, seed: int, dtype: torch.dtype = torch.float64,
               setup: FlowSetup | None = None, perturb: bool = True) -> tuple[Any, dict[str, Any]]:
    """``make(dim, generator=..., dtype=dtype)``, its parameters perturbed; returns the flow and evidence."""
    setup = setup or FlowSetup.of(make)
    flow = make(dim, generator=generator_for(seed, "factory"), dtype=dtype)
    if not perturb:
        return flow, {"perturbed": False, "reason": "perturb=False"}
    shape = (8, dim) if 1 in setup.batch_ranks else (dim,)
    x = data_points(shape, seed, domain=setup.domain, dtype=dtype, label="probe-x")
    z = latent_points(shape, seed, dtype=dtype, label="probe-z")

    def probe() -> tuple[torch.Tensor, ...]:
        zx, logdet = flow.forward(x)
        return zx, logdet, flow.inverse(z)[0]

    return flow, perturb_(flow, generator_for(seed, "perturb"), probe=probe, dim=dim)
