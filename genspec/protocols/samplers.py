r"""The laws of any reparameterized sampler, judged through ``rsample``, ``log_prob`` and ``parameters``.

A ``SAMPLERS`` factory is ``make(*, generator, dtype) -> sampler`` (docs/spec-api.md, "Protocols").

1. Shapes and gradients (law): ``rsample(S)`` has shape ``(*S, *event_shape)`` for S = (), (4,),
   (2, 3), in the factory's dtype (float64 and float32), finite; ``log_prob`` of it has shape S;
   ``parameters()`` are floating leaves requiring grad, and a gradient of the draws reaches each.
2. The generator is honoured (law): the same seed gives the same parameters and the same draws under
   any global RNG state; another seed gives other draws.
3. The draws follow ``log_prob`` (statistical). For a 1-D event (``()`` or ``(1,)``): draws inside
   [lo, hi], the 0.5% and 99.5% quantiles of a pilot (so inside the support), have the CDF
   G(x) / G(hi), G(x) = ∫_lo^x exp(log_prob) computed by 8-point Gauss-Legendre on the panels
   between consecutive sorted draws; a one-sample KS test of G(x_i) / G(hi) against U(0, 1) and an
   exact binomial test of the count inside against G(hi), each at α/2. For a larger event: the
   ball-mass test of ``genspec.protocols.mass``.

References: Kingma & Welling, arXiv:1312.6114 §2.4; Mohamed et al., "Monte Carlo Gradient Estimation
in Machine Learning", arXiv:1906.10652 §5; ``genspec.stats``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from scipy import stats as sps

from genspec import stats
from genspec.checks import record
from genspec.protocols.core import NotApplicable, generator_for, reproducing
from genspec.protocols.mass import ALPHA_BALL, DETECTS, N_BALL, ball_mass_test
from genspec.stats import Design

__all__ = ["ALPHA_LAW", "BALL_DESIGN", "LAW_DESIGN", "N_LAW", "sampler_ball_mass", "sampler_generator_honoured",
           "sampler_law_1d", "sampler_shapes_and_gradients"]

F64, F32 = torch.float64, torch.float32
SAMPLE_SHAPES: tuple[tuple[int, ...], ...] = ((), (4,), (2, 3))
ALPHA_LAW: float = 1e-6
KS_DISTANCE: float = 0.025
N_LAW: int = stats.ks_sample_size(KS_DISTANCE, alpha=ALPHA_LAW / 2)
PILOT: int = 4000
TAIL: float = 0.005
_GL_NODES, _GL_WEIGHTS = (torch.from_numpy(a) for a in np.polynomial.legendre.leggauss(8))
LAW_DESIGN = Design(
    "sampler_law_1d", "one-sample Kolmogorov-Smirnov of the CDF transform G(x)/G(hi) of the draws in the "
    "central 99% [lo, hi] + exact binomial test of their count against G(hi), each at alpha/2", N_LAW, ALPHA_LAW,
    f"a law of rsample at CDF distance >= {KS_DISTANCE} from exp(log_prob) renormalised over the central 99% "
    f"(a scale or a shape off), or a log_prob whose mass there is off by >= "
    f"{stats.binomial_min_deviation(1 - 2 * TAIL, N_LAW, alpha=ALPHA_LAW / 2):.4f} (a constant of ~0.007 nats)")
BALL_DESIGN = Design("sampler_ball_mass", "two-sided z-test of vol(B) mean exp(log_prob(u)), u ~ U(B), minus "
                     "the fraction of rsample() in B", N_BALL, ALPHA_BALL, DETECTS)
Make = Callable[..., Any]


def _build(make: Make, seed: int, dtype: torch.dtype = F64, label: str = "factory") -> Any:
    return make(generator=generator_for(seed, label), dtype=dtype)


def _event(sampler: Any) -> tuple[int, ...]:
    event = tuple(int(e) for e in sampler.event_shape)
    assert len(event) <= 3, f"event_shape {event} has more than 3 dimensions"
    return event


def sampler_shapes_and_gradients(make: Make, *, seed: int) -> dict[str, Any]:
    """rsample(S) has shape (*S, *event_shape) and the dtype; log_prob shape S; gradients reach parameters()."""
    for dtype in (F64, F32):
        with reproducing(seed=seed, dtype=dtype):
            sampler = _build(make, seed, dtype)
            params = list(sampler.parameters())
            assert params, "parameters() is empty: nothing to differentiate"
            for i, p in enumerate(params):
                assert isinstance(p, torch.Tensor) and p.is_leaf and p.requires_grad and p.dtype == dtype, (
                    f"parameters()[{i}] must be a {dtype} leaf tensor requiring grad, got "
                    f"{getattr(p, 'dtype', type(p).__name__)}, leaf={getattr(p, 'is_leaf', None)}, "
                    f"requires_grad={getattr(p, 'requires_grad', None)}")
            event = _event(sampler)
            for shape in SAMPLE_SHAPES:
                x = sampler.rsample(shape, generator=generator_for(seed, "draw", shape))
                assert x.shape == (*shape, *event) and x.dtype == dtype, (
                    f"rsample({shape}): shape {tuple(x.shape)} dtype {x.dtype}, expected {(*shape, *event)} {dtype}")
                assert bool(torch.isfinite(x).all()), f"rsample({shape}) has non-finite draws"
                lp = sampler.log_prob(x.detach())
                assert lp.shape == shape and lp.dtype == dtype, (
                    f"log_prob of rsample({shape}): shape {tuple(lp.shape)} dtype {lp.dtype}, expected {shape} {dtype}")
                assert bool(torch.isfinite(lp).all()), f"log_prob is not finite at draws of rsample({shape})"
            x = sampler.rsample((16,), generator=generator_for(seed, "grad"))
            w = torch.randn(x.shape, generator=generator_for(seed, "w"), dtype=F64).to(dtype)
            assert x.requires_grad, "rsample's draws do not require grad: they are detached from parameters()"
            grads = torch.autograd.grad((x * w).sum(), params, allow_unused=True)
            missing = [i for i, g in enumerate(grads) if g is None]
            assert not missing, f"no gradient of rsample reaches parameters() {missing}: it is not reparameterized"
            assert all(bool(torch.isfinite(g).all()) for g in grads), "a gradient of rsample is not finite"
            assert any(bool((g != 0).any()) for g in grads), "every gradient of rsample is zero"
    return {"event_shape": event, "parameters": len(params)}


def sampler_generator_honoured(make: Make, *, seed: int) -> dict[str, Any]:
    """The same generator seed gives the same parameters and draws whatever the global RNG; others differ."""
    def under(global_seed: int, fn: Callable[[], Any]) -> Any:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(global_seed)
            return fn()

    with reproducing(seed=seed):
        a, b = (under(g, lambda: _build(make, seed)) for g in (1, 2))
        for i, (p, q) in enumerate(zip(a.parameters(), b.parameters())):
            assert torch.equal(p, q), (f"parameters()[{i}] differs between two samplers built from generators "
                                       "with the same seed: the factory draws from the global RNG")
        draws = [under(g, lambda: a.rsample((32,), generator=generator_for(seed, "draw")).detach()) for g in (1, 2)]
        assert torch.equal(draws[0], draws[1]), "rsample(generator=g) differs for two generators with the same seed"
        other = a.rsample((32,), generator=generator_for(seed + 1, "draw")).detach()
        assert not torch.equal(draws[0], other), "rsample gives the same draws for different generator seeds"
    return {}


def _cumulative_mass(log_prob: Callable[[torch.Tensor], torch.Tensor], edges: torch.Tensor,
                     event: tuple[int, ...], dtype: torch.dtype) -> torch.Tensor:
    """∫ exp(log_prob) from edges[0] to each edge ``(m,)``: 8-point Gauss-Legendre on each panel."""
    a, b = edges[:-1], edges[1:]
    nodes = (a[:, None] + b[:, None]) / 2 + (b - a)[:, None] / 2 * _GL_NODES.to(F64)
    with torch.no_grad():
        lp = log_prob(nodes.reshape(-1, *event).to(dtype)).to(F64).reshape(nodes.shape)
    assert not bool(torch.isnan(lp).any()), "log_prob is NaN inside the central 99% of the draws"
    panels = (torch.exp(lp) * _GL_WEIGHTS.to(F64)).sum(-1) * (b - a) / 2
    return torch.cat([torch.zeros(1, dtype=F64), torch.cumsum(panels, 0)])


def sampler_law_1d(make: Make, *, seed: int, n: int = N_LAW, alpha: float = ALPHA_LAW) -> dict[str, Any]:
    """The draws of a 1-D sampler follow exp(log_prob): KS of the CDF transform + binomial of the mass."""
    with reproducing(seed=seed):
        sampler = _build(make, seed)
        event = _event(sampler)
        if math.prod(event) != 1:
            raise NotApplicable(f"event_shape {event} is not 1-D (the ball-mass test applies)")
        dtype = next(iter(sampler.parameters())).dtype
        with torch.no_grad():
            pilot = sampler.rsample((PILOT,), generator=generator_for(seed, "pilot")).reshape(-1).to(F64)
            lo, hi = (float(q) for q in torch.quantile(pilot, torch.tensor([TAIL, 1 - TAIL], dtype=F64)))
            x = sampler.rsample((n,), generator=generator_for(seed, "draws")).reshape(-1).to(F64)
        inside = torch.sort(x[(x >= lo) & (x <= hi)]).values
        edges = torch.cat([torch.tensor([lo], dtype=F64), inside, torch.tensor([hi], dtype=F64)])
        cumulative = _cumulative_mass(sampler.log_prob, edges, event, dtype)
        total = float(cumulative[-1])
        count = int(inside.numel())
        assert 0 < total < 1, (f"exp(log_prob) integrates to {total:.6f} over [{lo:.4g}, {hi:.4g}], which holds "
                               f"{count / n:.4f} of the draws: not a normalised density")
        u = (cumulative[1:-1] / total).numpy()
        ks = sps.kstest(u, "uniform")
        p_mass = stats.binomial_pvalue(count, n, total)
        evidence = {"n": n, "inside": count, "interval": [lo, hi], "mass_from_density": total,
                    "fraction_inside": count / n, "ks_statistic": float(ks.statistic),
                    "p_value_ks": float(ks.pvalue), "p_value_mass": p_mass, "alpha": alpha}
        record(**evidence)
        assert ks.pvalue > alpha / 2, (
            f"the draws inside [{lo:.4g}, {hi:.4g}] do not follow exp(log_prob) renormalised there: KS D = "
            f"{ks.statistic:.4f}, p = {ks.pvalue:.2e} < {alpha / 2:.1e}")
        assert p_mass > alpha / 2, (
            f"exp(log_prob) puts mass {total:.5f} on [{lo:.4g}, {hi:.4g}] but {count / n:.5f} of {n} draws fall "
            f"there: binomial p = {p_mass:.2e} < {alpha / 2:.1e}: log_prob is not normalised")
    return evidence


def sampler_ball_mass(make: Make, *, seed: int) -> dict[str, Any]:
    """The draws of a multivariate sampler follow exp(log_prob): the ball-mass z-test."""
    with reproducing(seed=seed):
        sampler = _build(make, seed)
        event = _event(sampler)
        if math.prod(event) <= 1:
            raise NotApplicable(f"event_shape {event} is 1-D (the Kolmogorov-Smirnov law test applies)")
        dtype = next(iter(sampler.parameters())).dtype
        return ball_mass_test(sampler.log_prob, lambda k, g: sampler.rsample((k,), generator=g).detach(),
                              event_shape=event, seed=seed, dtype=dtype)
