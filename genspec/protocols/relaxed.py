r"""The laws of any relaxed one-hot (Concrete, Gumbel-Softmax) sampler, judged through ``sample`` and
``log_prob``.

A ``RELAXED`` entry has ``sample(logits, tau, *, generator)`` and optionally ``log_prob(y, logits,
tau)``, and optionally an attribute ``categories`` (the numbers of classes K it supports; default
2-6). With y = softmax((logits + g) / tau), g standard Gumbel (Maddison et al. 2017, Definition 1):

1. y lies on the simplex: shape and dtype of the logits (float64, float32), y >= 0, sum 1 (tolerance
   ``reduction``), and y > 0 in float64 for tau >= 0.1 (the open simplex).
2. The pathwise gradient: ∂y/∂logits = (diag(y) - y yᵀ) / tau, so for any w,
   ∇_logits (w · y) = (y ⊙ w - y (y · w)) / tau, checked from the sample itself (tolerance
   ``gradient``): the noise enters additively, and tau divides.
3. Limits in tau: at tau = 0.01 the mean largest coordinate is >= COLD_MAX (samples near vertices);
   at tau = 100 the mean of max_k |K y_k - 1| is <= HOT_SPREAD (samples near the centre 1/K).
4. Extreme temperatures (numerics): tau = 1e-3 and 1e3, float32 and float64: still on the simplex.
5. With ``log_prob``: it is the Concrete density (tolerance ``concrete_log_density``)

       log p(y) = log (K-1)! + (K-1) log tau + Σ_k (l_k - (tau+1) log y_k) - K logsumexp_k(l_k - tau log y_k)

   and it normalises (tolerance ``quadrature``): with y = softmax(t_1, ..., t_{K-1}, 0), whose
   Jacobian onto the first K-1 coordinates is Π_k y_k, the trapezoid rule in t over [-30, 30]^{K-1}
   (K = 2 at tau = 0.7: 1201 points; K = 3 at tau = 1.5: 121²; spacing 0.05 and 0.5 for
   densities of width ~1/tau in t, analytic in a strip of half-width ~pi/tau: the error is ~e^-25) integrates p(y) Π y_k; there no y rounds to 0 or 1 in float64.
6. The generator is honoured: the same seed gives the same sample whatever the global RNG.
7. Validation: tau = 0, -1, NaN, +inf raise ValueError naming ``tau`` (docs/spec-api.md, Conventions).

References: Maddison, Mnih, Teh, arXiv:1611.00712, Definition 1, eq. (6), Appendix B; Jang, Gu, Poole,
arXiv:1611.01144 eq. (2)-(3); seed 000, "Gumbel Softmax".
"""

from __future__ import annotations

import math
from typing import Any

import torch

from genspec.protocols.core import NotApplicable, close, generator_for, reproducing

__all__ = ["COLD_MAX", "HOT_SPREAD", "categories", "concrete_log_density", "relaxed_extreme_temperatures",
           "relaxed_generator_honoured", "relaxed_gradient", "relaxed_log_prob_is_concrete",
           "relaxed_log_prob_normalises", "relaxed_on_simplex", "relaxed_rejects_invalid_temperatures",
           "relaxed_temperature_limits"]

F64, F32 = torch.float64, torch.float32
DEFAULT_CATEGORIES: tuple[int, ...] = (2, 3, 4, 5, 6)
TAUS: tuple[float, ...] = (0.1, 0.5, 1.0, 2.0, 10.0)
COLD_MAX: float = 0.9
"""At tau = 0.01 the mean largest coordinate of a Concrete sample is ~0.99 for K <= 6 and these logits
(1 - max y is about tau · (K - 1) on average); temperature 1 gives ~0.6: the bound sits between."""
HOT_SPREAD: float = 0.25
"""At tau = 100, |K y_k - 1| ~ |g_k - mean g| / 100 ~ 0.03; temperature 1 gives > 1."""
T_MAX: float = 30.0


def categories(entry: Any) -> tuple[int, ...]:
    """The numbers of classes K the entry supports (its ``categories`` attribute; default 2-6)."""
    return tuple(getattr(entry, "categories", DEFAULT_CATEGORIES))


def _pick(entry: Any, preferred: tuple[int, ...]) -> int:
    ks = categories(entry)
    return next((k for k in preferred if k in ks), max(ks))


def _logits(shape: tuple[int, ...], seed: int, label: str, dtype: torch.dtype = F64) -> torch.Tensor:
    return (1.5 * torch.randn(shape, generator=generator_for(seed, label), dtype=F64)).to(dtype)


def _sample(entry: Any, logits: torch.Tensor, tau: float, seed: int, label: str) -> torch.Tensor:
    y = entry.sample(logits, tau, generator=generator_for(seed, label))
    assert isinstance(y, torch.Tensor) and y.shape == logits.shape and y.dtype == logits.dtype, (
        f"sample(logits of shape {tuple(logits.shape)} {logits.dtype}, tau={tau}) returned "
        f"{tuple(getattr(y, 'shape', ()))} {getattr(y, 'dtype', type(y).__name__)}, expected the logits' shape and dtype")
    return y


def _on_simplex(y: torch.Tensor, what: str) -> float:
    assert bool(torch.isfinite(y).all()), f"{what}: non-finite entries"
    assert bool((y >= 0).all()), f"{what}: negative entries, the smallest {float(y.min()):.3g}"
    return close(y.sum(-1), torch.ones(y.shape[:-1], dtype=F64), kind="reduction", what=f"{what}: sum over K = 1")


def relaxed_on_simplex(entry: Any, *, seed: int) -> dict[str, Any]:
    """Samples have the logits' shape and dtype, are >= 0 (> 0 in float64) and sum to 1."""
    worst = 0.0
    for i, (k, batch) in enumerate(((_pick(entry, (2,)), ()), (_pick(entry, (5, 4, 3)), (4,)),
                                    (_pick(entry, (3, 6)), (2, 3)))):
        for dtype in (F64, F32):
            for tau in TAUS:
                with reproducing(K=k, batch_shape=batch, dtype=dtype, tau=tau, seed=seed):
                    logits = _logits((*batch, k), seed, f"logits{i}", dtype)
                    y = _sample(entry, logits, tau, seed, f"sample{i}")
                    worst = max(worst, _on_simplex(y, f"sample at tau={tau}"))
                    if dtype == F64:
                        assert bool((y > 0).all()), f"sample at tau={tau}: an entry is 0 in float64, off the open simplex"
    return {"max_error_over_tolerance": worst}


def relaxed_gradient(entry: Any, *, seed: int) -> dict[str, Any]:
    """∇_logits (w · y) = (y ⊙ w - y (y · w)) / tau: the Gumbel-Softmax pathwise gradient."""
    k = _pick(entry, (4, 3, 5))
    worst = 0.0
    for tau in (0.5, 1.0, 2.0):
        with reproducing(K=k, tau=tau, seed=seed):
            logits = _logits((6, k), seed, f"logits{tau}").requires_grad_()
            y = _sample(entry, logits, tau, seed, f"sample{tau}")
            w = torch.randn(y.shape, generator=generator_for(seed, "w", tau), dtype=F64)
            assert y.requires_grad, "the sample does not depend differentiably on the logits"
            (grad,) = torch.autograd.grad((y * w).sum(), logits)
            y0 = y.detach()
            expected = (y0 * w - y0 * (y0 * w).sum(-1, keepdim=True)) / tau
            worst = max(worst, close(grad, expected, kind="gradient",
                                     what=f"∇_logits (w·y) = (y⊙w - y (y·w)) / tau at tau={tau}"))
    return {"max_error_over_tolerance": worst}


def relaxed_temperature_limits(entry: Any, *, seed: int) -> dict[str, Any]:
    """tau = 0.01: samples near the vertices (mean max_k y_k >= 0.9); tau = 100: near 1/K."""
    k = _pick(entry, (5, 4, 3, 6))
    with reproducing(K=k, seed=seed):
        logits = (1.5 * torch.sin(0.7 * torch.arange(k, dtype=F64) + 1.0)).expand(2000, k)
        cold = _sample(entry, logits, 0.01, seed, "cold")
        mean_max = float(cold.max(-1).values.mean())
        assert mean_max >= COLD_MAX, (f"at tau=0.01 the mean largest coordinate is {mean_max:.4f} < {COLD_MAX}: "
                                      "the samples do not approach the vertices as tau -> 0")
        hot = _sample(entry, logits, 100.0, seed, "hot")
        spread = float((k * hot - 1).abs().amax(-1).mean())
        assert spread <= HOT_SPREAD, (f"at tau=100 the mean of max_k |K y_k - 1| is {spread:.4f} > {HOT_SPREAD}: "
                                      "the samples do not approach the centre 1/K as tau grows")
    return {"cold_mean_max": mean_max, "hot_mean_spread": spread}


def relaxed_extreme_temperatures(entry: Any, *, seed: int) -> dict[str, Any]:
    """At tau = 1e-3 and 1e3, in float32 and float64, samples are still finite and on the simplex."""
    k = _pick(entry, (5, 4, 3))
    worst = 0.0
    for dtype in (F64, F32):
        for tau in (1e-3, 1e3):
            with reproducing(K=k, dtype=dtype, tau=tau, seed=seed):
                y = _sample(entry, _logits((64, k), seed, "logits", dtype), tau, seed, "sample")
                worst = max(worst, _on_simplex(y, f"sample at tau={tau:g} in {dtype}"))
    return {"max_error_over_tolerance": worst}


def concrete_log_density(y: torch.Tensor, logits: torch.Tensor, tau: float) -> torch.Tensor:
    """The float64 oracle of the Concrete log density (module docstring) ``(*batch, K) -> (*batch,)``."""
    y, l = y.detach().to(F64), logits.detach().to(F64)
    k = y.shape[-1]
    log_y = torch.log(y)
    return (math.lgamma(k) + (k - 1) * math.log(tau) + (l - (tau + 1) * log_y).sum(-1)
            - k * torch.logsumexp(l - tau * log_y, dim=-1))


def _log_prob(entry: Any) -> Any:
    log_prob = getattr(entry, "log_prob", None)
    if not callable(log_prob):
        raise NotApplicable(f"{type(entry).__name__} has no log_prob")
    return log_prob


def relaxed_log_prob_is_concrete(entry: Any, *, seed: int) -> dict[str, Any]:
    """log_prob(y, logits, tau) is the Concrete log density at samples and at random simplex points."""
    log_prob = _log_prob(entry)
    worst = 0.0
    for k in sorted({_pick(entry, (2,)), _pick(entry, (3,)), _pick(entry, (5, 4))}):
        for tau in (0.5, 1.0, 2.0):
            with reproducing(K=k, tau=tau, seed=seed):
                logits = _logits((8, k), seed, f"logits{k}")
                points = torch.softmax(2 * torch.randn((8, k), generator=generator_for(seed, "y", k), dtype=F64), -1)
                for y, where in ((_sample(entry, logits, tau, seed, f"s{k}{tau}").detach(), "a sample"),
                                 (points, "a random point")):
                    got = log_prob(y, logits, tau)
                    worst = max(worst, close(got, concrete_log_density(y, logits, tau), kind="concrete_log_density",
                                             what=f"log_prob at {where} = Concrete log density (K={k}, tau={tau})"))
    return {"max_error_over_tolerance": worst}


def relaxed_log_prob_normalises(entry: Any, *, seed: int) -> dict[str, Any]:
    """exp(log_prob) integrates to 1 over the simplex (K = 2 and 3; trapezoid in logit coordinates)."""
    log_prob = _log_prob(entry)
    ks = [k for k in (2, 3) if k in categories(entry)]
    if not ks:
        raise NotApplicable(f"the entry supports K in {categories(entry)}: the quadrature needs K = 2 or 3")
    integrals: dict[str, float] = {}
    worst = 0.0
    for k in ks:
        n = 1201 if k == 2 else 121
        axis = torch.linspace(-T_MAX, T_MAX, n, dtype=F64)
        t = torch.stack(torch.meshgrid(*[axis] * (k - 1), indexing="ij"), -1).reshape(-1, k - 1)
        y = torch.softmax(torch.cat([t, torch.zeros(t.shape[0], 1, dtype=F64)], -1), -1)
        weights = torch.ones(n, dtype=F64)
        weights[0] = weights[-1] = 0.5
        cell = torch.stack(torch.meshgrid(*[weights] * (k - 1), indexing="ij"), -1).reshape(-1, k - 1).prod(-1)
        for tau in ((0.7,) if k == 2 else (1.5,)):
            with reproducing(K=k, tau=tau, seed=seed):
                logits = (torch.rand(k, generator=generator_for(seed, "l", k), dtype=F64) * 2 - 1).expand(t.shape[0], k)
                with torch.no_grad():
                    lp = log_prob(y, logits, tau).to(F64)
                integral = (torch.exp(lp) * y.prod(-1) * cell).sum() * float(axis[1] - axis[0]) ** (k - 1)
                integrals[f"K={k}, tau={tau}"] = float(integral)
                worst = max(worst, close(integral, torch.tensor(1.0, dtype=F64), kind="quadrature",
                                         what=f"∫ exp(log_prob) over the simplex (K={k}, tau={tau})"))
    return {"integrals": integrals, "max_error_over_tolerance": worst}


def relaxed_generator_honoured(entry: Any, *, seed: int) -> dict[str, Any]:
    """The same generator seed gives the same sample whatever the global RNG; another seed another."""
    k = _pick(entry, (4, 3, 5))
    with reproducing(K=k, seed=seed):
        logits = _logits((16, k), seed, "logits")
        draws = []
        for global_seed in (1, 2):
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(global_seed)
                draws.append(_sample(entry, logits, 1.0, seed, "same").detach())
        assert torch.equal(draws[0], draws[1]), "sample(generator=g) differs for two generators with the same seed"
        other = _sample(entry, logits, 1.0, seed + 1, "same").detach()
        assert not torch.equal(draws[0], other), "sample gives the same draws for different generator seeds"
    return {}


def relaxed_rejects_invalid_temperatures(entry: Any, *, seed: int) -> dict[str, Any]:
    """sample(logits, tau) raises ValueError naming tau for tau = 0, -1, NaN and +inf."""
    k = _pick(entry, (3, 2, 4))
    logits = _logits((4, k), seed, "logits")
    for tau in (0.0, -1.0, math.nan, math.inf):
        try:
            y = entry.sample(logits, tau, generator=generator_for(seed, "invalid"))
        except ValueError as error:
            assert "tau" in str(error) or "temperature" in str(error), (
                f"sample(tau={tau}) raised ValueError without naming tau: {error}")
            continue
        except Exception as error:  # noqa: BLE001 - another exception type is a validation failure too
            raise AssertionError(f"sample(tau={tau}) raised {type(error).__name__}, expected a ValueError naming tau: "
                                 f"{error}") from error
        finite = bool(torch.isfinite(y).all()) if isinstance(y, torch.Tensor) else False
        raise AssertionError(f"sample(tau={tau}) returned {'finite values' if finite else 'non-finite values'} "
                             "instead of raising ValueError naming tau")
    return {}
