r"""The density checks of a flow that is a distribution (it has ``log_prob`` and ``sample``).

1. ``log_prob`` normalises: in D = 1 (or D = 2 when the flow needs two coordinates) the trapezoid
   rule integrates exp(log_prob) over a box reaching ``QUAD_REACH`` times the farthest of
   ``QUAD_PILOT`` draws from their median in each coordinate, on a grid uniform in
   u = asinh((x - median) / s) (s: half the interquartile range; dx = s cosh(u) du), so that the bulk
   is resolved finely and heavy tails coarsely,

       ∫ exp(log_prob(x)) dx = 1        (tolerance ``density_grid_quadrature``)

   A log_prob that subtracts the logdet, drops a constant or uses the wrong base integrates to
   something else whenever the flow changes volume (the perturbed parameters make sure it does).
   The mass beyond QUAD_REACH times the farthest of 4000 draws is below the tolerance for tails no
   heavier than |x|^-2 (~1e-4). log_prob may be NaN or -inf only beyond every draw (rounding in the
   far tails: taken as density 0, and counted in the evidence); NaN or +inf among the draws fails.
2. ``sample`` follows ``log_prob`` (statistical): the ball-mass z-test of ``genspec.protocols.mass``
   in a small dimension (3 when supported), with its declared design.

Nothing here assumes the base distribution or the direction of ``log_prob``'s change of variables:
the density is judged against its own draws and against the number 1.

References: seed 003_2bb67353180af150.txt, section 直面概率积分 (eq. (5)-(6)); Dinh et al.,
arXiv:1410.8516 §2 (log p(x) = log p_H(f(x)) + log|det ∂f/∂x|); Papamakarios et al.,
arXiv:1912.02762 §2.1.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import torch

from genspec.protocols.core import NotApplicable, close, generator_for, reproducing
from genspec.protocols.flow_setup import FlowSetup, build_flow, is_distribution
from genspec.protocols.mass import ALPHA_BALL, DETECTS, N_BALL, ball_mass_test
from genspec.stats import Design

__all__ = ["BALL_DESIGN", "BALL_DIMS", "QUAD_DIMS", "flow_log_prob_normalises", "flow_samples_follow_log_prob"]

F64 = torch.float64
QUAD_PILOT: int = 4000
QUAD_REACH: float = 2.0
GRID: dict[int, int] = {1: 2001, 2: 151}
QUAD_DIMS: tuple[int, ...] = (1, 2)
"""The dimensions of the quadrature, in order of preference."""
BALL_DIMS: tuple[int, ...] = (3, 2, 4, 5, 1, 6, 7, 8)
"""The dimensions of the ball-mass test, in order of preference."""
BALL_DESIGN = Design("flow_samples_follow_log_prob",
                     "two-sided z-test of vol(B) mean exp(log_prob(u)), u ~ U(B), minus the fraction of "
                     "sample() in B", N_BALL, ALPHA_BALL, DETECTS)
Make = Callable[..., Any]


def _distribution(make: Make, dim: int, seed: int) -> Any:
    flow, info = build_flow(make, dim, seed=seed)
    if not is_distribution(flow):
        raise NotApplicable(f"{type(flow).__name__} has no log_prob and sample: it is not a distribution")
    return flow, info


def _axis(draws: torch.Tensor, n: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Grid points x ``(n,)`` and trapezoid weights dx of one coordinate, uniform in u = asinh((x - c) / s)."""
    centre = float(draws.median())
    scale = max(float(draws.quantile(0.75) - draws.quantile(0.25)) / 2, 1e-6)
    lo, hi = (QUAD_REACH * (float(e) - centre) / scale for e in (draws.min(), draws.max()))
    u = torch.linspace(float(torch.asinh(torch.tensor(min(lo, -1.0)))), float(torch.asinh(torch.tensor(max(hi, 1.0)))),
                       n, dtype=F64)
    weights = torch.full((n,), float(u[1] - u[0]), dtype=F64)
    weights[0] = weights[-1] = weights[0] / 2
    return centre + scale * torch.sinh(u), weights * scale * torch.cosh(u)


def flow_log_prob_normalises(make: Make, *, dim: int, seed: int) -> dict[str, Any]:
    """exp(log_prob) integrates to 1: trapezoid rule over a grid reaching twice the farthest pilot draw."""
    if dim not in GRID:
        raise ValueError(f"dim={dim} must be 1 or 2 for the quadrature")
    with reproducing(dim=dim, seed=seed):
        flow, info = _distribution(make, dim, seed)
        with torch.no_grad():
            pilot = flow.sample(QUAD_PILOT, generator=generator_for(seed, "pilot")).to(F64)
        assert pilot.shape == (QUAD_PILOT, dim) and bool(torch.isfinite(pilot).all()), (
            f"sample({QUAD_PILOT}) gave shape {tuple(pilot.shape)} or non-finite draws")
        n = GRID[dim]
        axes, weights = zip(*(_axis(pilot[:, k], n) for k in range(dim)))
        grid = torch.stack(torch.meshgrid(*axes, indexing="ij"), dim=-1).reshape(-1, dim)
        cell = torch.stack(torch.meshgrid(*weights, indexing="ij"), dim=-1).reshape(-1, dim).prod(-1)
        dtype = next((p.dtype for p in getattr(flow, "parameters", lambda: iter(()))()), F64)
        with torch.no_grad():
            log_density = flow.log_prob(grid.to(dtype)).to(F64)
        inside = ((grid >= pilot.min(0).values) & (grid <= pilot.max(0).values)).all(-1)
        undefined = torch.isnan(log_density) | (log_density == float("inf"))
        assert not bool((undefined & inside).any()), (
            f"log_prob is NaN or +inf at {int((undefined & inside).sum())} grid points among the draws, e.g. "
            f"x = {grid[undefined & inside][0].tolist()}")
        beyond = int(undefined.sum())  # beyond every draw: rounding in the far tails, taken as density 0
        density = torch.exp(torch.where(undefined, torch.full_like(log_density, -math.inf), log_density))
        integral = (density * cell).sum()
        worst = close(integral, torch.tensor(1.0, dtype=F64), kind="density_grid_quadrature",
                      what=f"∫ exp(log_prob(x)) dx over R^{dim} (trapezoid in asinh coordinates, {n}^{dim} points)")
    return {"integral": float(integral), "grid": n, "undefined_beyond_the_draws": beyond,
            "max_error_over_tolerance": worst, **info}


def flow_samples_follow_log_prob(make: Make, *, dim: int, seed: int) -> dict[str, Any]:
    """sample() follows exp(log_prob): the mass of a ball under the density vs the draws in it."""
    with reproducing(dim=dim, seed=seed):
        flow, info = _distribution(make, dim, seed)
        dtype = next((p.dtype for p in getattr(flow, "parameters", lambda: iter(()))()), F64)
        evidence = ball_mass_test(flow.log_prob, lambda n, g: flow.sample(n, generator=g),
                                  event_shape=(dim,), seed=seed, dtype=dtype)
    return {**evidence, **info}


def quad_dim(setup: FlowSetup) -> int:
    """The dimension of the normalisation quadrature: 1 or 2 (NotApplicable when neither is supported)."""
    for d in QUAD_DIMS:
        if d in setup.dims:
            return d
    raise NotApplicable(f"the flow supports dims {setup.dims}: the quadrature needs 1 or 2")
