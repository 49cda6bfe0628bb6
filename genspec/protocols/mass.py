r"""Does a sampler follow its own density? The mass of a ball under ``log_prob`` against the draws in it.

For a distribution with draws ``sample(n)`` and density ``p = exp(log_prob)`` on R^d, and a ball B
(centre: the coordinatewise median of a pilot sample; radius: the pilot's ``BALL_QUANTILE`` quantile
of the distance to it), two independent estimates of P(B) are compared:

    mass     = vol(B) · mean_j p(u_j),   u_j ~ U(B), j = 1..n_u      (the density, integrated)
    fraction = mean_i 1[x_i in B],       x_i ~ sample(), i = 1..n   (the sampler)

by a two-sided z-test with the standard error estimated from the draws. A log_prob off by a constant
c (a missing log 2π, a logdet of the wrong sign where it is constant) moves the ratio mass/fraction
to e^c; a density of the wrong shape moves it too. n_u is chosen from a pilot of the density's
coefficient of variation over B so that the density part's variance is at most the binomial part's
(capped at ``MAX_UNIFORM_FACTOR`` · n): the z statistic's sd per draw is then at most
sqrt(2 (1 - m) / m) in units of the mass m, and

    N_BALL = stats.z_sample_size(1, sqrt(2 (1 - MIN_MASS) / MIN_MASS) / REL_ERROR, alpha=ALPHA_BALL)

detects a relative error REL_ERROR of the ball's mass with power 0.99 whenever m >= MIN_MASS and the
cap does not bind (CV^2 <= 4 (1 - m) / m, i.e. CV <= 3.5 at m = 0.25; the realised detectable error
is recorded). α is the z-test's whatever the CV: the standard error is estimated, only the power
depends on the design conditions. Draws that lie on a lower-dimensional set (a simplex, symmetric
matrices: the pilot's centred draws have rank < d) have no density on R^d: the test does not apply.

Made generic from ``statistical/test_nice.py``'s ball test. References: seed 003, section
直面概率积分 (eq. (5)-(6)); Robert & Casella, Monte Carlo Statistical Methods, §3.2 (Monte Carlo
integration); ``genspec.stats.z_sample_size``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import torch
from scipy import stats as sps

from genspec import stats
from genspec.checks import record
from genspec.protocols.core import NotApplicable, generator_for

__all__ = ["ALPHA_BALL", "BALL_QUANTILE", "MIN_MASS", "N_BALL", "REL_ERROR", "ball_mass_test", "uniform_in_ball"]

F64 = torch.float64
ALPHA_BALL: float = 1e-6
REL_ERROR: float = 0.15
BALL_QUANTILE: float = 0.25
MIN_MASS: float = 0.2
N_PILOT: int = 2000
MAX_UNIFORM_FACTOR: int = 4
N_BALL: int = stats.z_sample_size(1.0, math.sqrt(2 * (1 - MIN_MASS) / MIN_MASS) / REL_ERROR, alpha=ALPHA_BALL)
DETECTS: str = (f"a density whose mass over a ball holding >= {MIN_MASS:.0%} of the draws is off by {REL_ERROR:.0%} "
                f"(an additive constant of {math.log(1 + REL_ERROR):.3f} nats in log_prob), when the density's "
                "coefficient of variation over the ball is <= 3.5")

Sampler = Callable[[int, torch.Generator], torch.Tensor]
"""``(n, generator) -> (n, *event_shape)``: n draws."""


def uniform_in_ball(n: int, d: int, generator: torch.Generator) -> torch.Tensor:
    """n points uniform in the unit ball of R^d ``(n, d)``: a uniform direction times U^(1/d)."""
    v = torch.randn(n, d, generator=generator, dtype=F64)
    v = v / v.norm(dim=-1, keepdim=True)
    return v * torch.rand(n, 1, generator=generator, dtype=F64) ** (1.0 / d)


def _density(log_prob: Callable[[torch.Tensor], torch.Tensor], u: torch.Tensor, event_shape: Sequence[int],
             dtype: torch.dtype) -> torch.Tensor:
    with torch.no_grad():
        lp = log_prob(u.reshape(u.shape[0], *event_shape).to(dtype))
    assert isinstance(lp, torch.Tensor) and lp.shape == (u.shape[0],), (
        f"log_prob of {u.shape[0]} points returned shape {tuple(getattr(lp, 'shape', ()))}, expected ({u.shape[0]},)")
    lp = lp.detach().to(F64)
    assert not bool(torch.isnan(lp).any()), f"log_prob is NaN at {int(torch.isnan(lp).sum())} points near the median"
    return torch.exp(lp)


def ball_mass_test(log_prob: Callable[[torch.Tensor], torch.Tensor], sample: Sampler, *,
                   event_shape: Sequence[int], seed: int, dtype: torch.dtype = F64,
                   n: int = N_BALL, alpha: float = ALPHA_BALL) -> dict[str, Any]:
    """The ball-mass z-test (module docstring); returns the evidence, raises AssertionError if rejected."""
    d = math.prod(event_shape)
    with torch.no_grad():
        pilot = sample(N_PILOT, generator_for(seed, "pilot")).reshape(N_PILOT, d).to(F64)
    assert bool(torch.isfinite(pilot).all()), "the pilot draws are not all finite"
    singular = torch.linalg.svdvals(pilot - pilot.mean(0))
    if d > 1 and float(singular[-1]) <= 1e-9 * float(singular[0]):
        raise NotApplicable(f"the draws lie on a set of dimension < {d} (rank of the centred draws "
                            f"{int((singular > 1e-9 * singular[0]).sum())}): no density on R^{d}")
    centre = pilot.median(0).values
    radius = float(torch.quantile((pilot - centre).norm(dim=-1), BALL_QUANTILE))
    volume = math.exp(d / 2 * math.log(math.pi) + d * math.log(radius) - math.lgamma(d / 2 + 1))
    p_pilot = _density(log_prob, centre + radius * uniform_in_ball(1000, d, generator_for(seed, "cv")),
                       event_shape, dtype)
    cv_pilot = float(p_pilot.std() / p_pilot.mean()) if float(p_pilot.mean()) > 0 else math.inf
    m = BALL_QUANTILE
    n_u = min(MAX_UNIFORM_FACTOR * n, max(1000, math.ceil(n * min(cv_pilot, 1e6) ** 2 * m / (1 - m))))
    with torch.no_grad():
        x = sample(n, generator_for(seed, "draws")).reshape(n, d).to(F64)
    inside = ((x - centre).norm(dim=-1) < radius).to(F64)
    terms = volume * _density(log_prob, centre + radius * uniform_in_ball(n_u, d, generator_for(seed, "ball")),
                              event_shape, dtype)
    frac, mass = float(inside.mean()), float(terms.mean())
    se = math.sqrt(float(terms.var()) / n_u + frac * (1 - frac) / n)
    z = (mass - frac) / se if se > 0 else (0.0 if mass == frac else math.inf)
    p = float(2 * sps.norm.sf(abs(z)))
    detectable = stats.z_min_shift(se * math.sqrt(n), n, alpha=alpha) / frac if frac > 0 and se > 0 else math.inf
    evidence = {"n": n, "n_uniform": n_u, "dim": d, "radius": radius, "fraction_inside": frac,
                "mass_from_density": mass, "ratio": mass / frac if frac > 0 else math.inf,
                "coefficient_of_variation": float(terms.std() / terms.mean()) if mass > 0 else math.inf,
                "detectable_relative_error": detectable, "z": z, "p_value": p, "alpha": alpha}
    record(**evidence)
    assert p > alpha, (
        f"the density integrates to {mass:.4f} over a ball around the median (radius {radius:.3g}, d = {d}), "
        f"but {frac:.4f} of {n} draws fall in it: ratio {mass / max(frac, 1e-300):.3f}, z = {z:.2f}, "
        f"p = {p:.2e} < alpha = {alpha:.0e}: log_prob is not the normalised density of the draws")
    return evidence
