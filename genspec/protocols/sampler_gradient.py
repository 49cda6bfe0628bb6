r"""Reparameterized gradients are unbiased: rsample's pathwise gradient against the score function.

For a smooth bounded test function f and parameters θ of a sampler p_θ,

    ∇_θ E[f(x)] = E[∇_θ f(x_θ)]                          (reparameterization: autograd through rsample)
                = E[(f(x) - b) ∇_θ log p_θ(x)]           (score function, x = rsample().detach(), b fixed)

Both estimators are averaged over each of ``BATCHES`` batches of ``PER_BATCH`` draws (the same draws
for both); the batch differences d_b are iid with mean 0 exactly when rsample's gradient is
unbiased. Each parameter coordinate j gets a two-sided t-test of mean(d_j) = 0 with B - 1 degrees of
freedom, Bonferroni over the P coordinates (p = min(1, P · min_j p_j)). With per-item α, a bias of
(t_{α/(2P), B-1} + z_{0.99}) standard errors of mean(d_j) is detected with power 0.99 (≈ 7.8 SE for
P ≤ 16). f(x) = Σ_k a_k sin((x_k - c_k) / s_k + φ_k), with c, s the median and spread of a pilot, so
that f varies on the distribution's own scale; b = the pilot mean of f.

The score-function identity needs a support that does not move with θ (a uniform's ends, a Pareto's
scale): when log_prob at the 1000 pilot draws becomes non-finite, or raises, after one parameter
moves by ±1e-2 (|p| + 1) (more than the distance of the extreme draws to a moving end), the test does
not apply.

References: Mohamed, Rosca, Figurnov, Mnih, "Monte Carlo Gradient Estimation in Machine Learning",
arXiv:1906.10652, §4 (score function) and §5 (pathwise); Williams 1992 (REINFORCE); seed 004 eq. (7).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import torch
from scipy import stats as sps

from genspec.checks import record
from genspec.protocols.core import NotApplicable, generator_for, reproducing
from genspec.stats import POWER, Design

__all__ = ["ALPHA_GRADIENT", "BATCHES", "GRADIENT_DESIGN", "PER_BATCH", "sampler_gradient_unbiased"]

F64 = torch.float64
ALPHA_GRADIENT: float = 1e-6
BATCHES: int = 100
PER_BATCH: int = 64
P_MAX: int = 16
SE_DETECTED: float = float(sps.t.isf(ALPHA_GRADIENT / (2 * P_MAX), BATCHES - 1) + sps.norm.isf(1 - POWER))
GRADIENT_DESIGN = Design(
    "sampler_gradient_unbiased", f"two-sided t-test ({BATCHES - 1} df) per parameter coordinate of the mean "
    "batch difference between the rsample (pathwise) and score-function gradient estimates, Bonferroni over "
    "coordinates", BATCHES * PER_BATCH, ALPHA_GRADIENT,
    f"a bias of the rsample gradient of >= {SE_DETECTED:.1f} standard errors of the mean batch difference in any "
    f"parameter coordinate (P <= {P_MAX}), e.g. a detached or rescaled path")
Make = Callable[..., Any]


def _flat(grads: tuple[torch.Tensor | None, ...], params: list[torch.Tensor]) -> torch.Tensor:
    return torch.cat([(torch.zeros_like(p) if g is None else g).reshape(-1).to(F64) for g, p in zip(grads, params)])


def _support_moves(sampler: Any, params: list[torch.Tensor], x: torch.Tensor) -> str | None:
    """Why the support seems to depend on the parameters, or None."""
    for i, p in enumerate(params):
        original = p.detach().clone()
        try:
            for sign in (1.0, -1.0):
                with torch.no_grad():
                    p.copy_(original + sign * 1e-2 * (original.abs() + 1))
                try:
                    lp = sampler.log_prob(x)
                except (ValueError, RuntimeError) as error:
                    return f"log_prob raised {type(error).__name__} after parameters()[{i}] moved by 1e-2 (|p| + 1)"
                if not bool(torch.isfinite(lp).all()):
                    return f"log_prob became non-finite at draws after parameters()[{i}] moved by 1e-2 (|p| + 1)"
        finally:
            with torch.no_grad():
                p.copy_(original)
    return None


def sampler_gradient_unbiased(make: Make, *, seed: int, alpha: float = ALPHA_GRADIENT) -> dict[str, Any]:
    """rsample's gradient of E f(x) agrees with the score-function estimate (paired batch t-tests)."""
    with reproducing(seed=seed):
        sampler = make(generator=generator_for(seed, "factory"), dtype=F64)
        params = list(sampler.parameters())
        with torch.no_grad():
            pilot = sampler.rsample((1000,), generator=generator_for(seed, "pilot")).detach()
        flat = pilot.reshape(1000, -1)
        centre = flat.median(0).values
        spread = (flat.quantile(0.75, dim=0) - flat.quantile(0.25, dim=0)).clamp_min(1e-6)
        g = generator_for(seed, "f")
        amplitude = torch.randn(flat.shape[1], generator=g, dtype=F64)
        phase = 2 * math.pi * torch.rand(flat.shape[1], generator=g, dtype=F64)

        def f(x: torch.Tensor) -> torch.Tensor:
            u = (x.reshape(x.shape[0], -1).to(F64) - centre) / spread
            return (amplitude * torch.sin(u + phase)).sum(-1)

        reason = _support_moves(sampler, params, pilot)
        if reason is not None:
            raise NotApplicable(f"the support depends on the parameters ({reason}): the score function is biased")
        baseline = float(f(pilot).mean())
        diffs, pathwise = [], []
        for b in range(BATCHES):
            x = sampler.rsample((PER_BATCH,), generator=generator_for(seed, "batch", b))
            rep = _flat(torch.autograd.grad(f(x).mean(), params, allow_unused=True), params)
            xd = x.detach()
            score = _flat(torch.autograd.grad(((f(xd) - baseline) * sampler.log_prob(xd).to(F64)).mean(), params,
                                              allow_unused=True), params)
            diffs.append(rep - score)
            pathwise.append(rep)
        d = torch.stack(diffs)
        k = d.shape[1]
        mean, se = d.mean(0), d.std(0) / math.sqrt(BATCHES)
        t = torch.where(se > 0, mean / se.clamp_min(1e-300), torch.where(mean == 0, 0.0, math.inf))
        p_each = 2 * sps.t.sf(t.abs().numpy(), BATCHES - 1)
        p = float(min(1.0, k * p_each.min()))
        worst = int(t.abs().argmax())
        evidence = {"n": BATCHES * PER_BATCH, "batches": BATCHES, "coordinates": k, "p_value": p, "alpha": alpha,
                    "worst_coordinate": worst, "t": float(t[worst]), "mean_difference": float(mean[worst]),
                    "pathwise_gradient": float(torch.stack(pathwise).mean(0)[worst]),
                    "detectable_bias": float(SE_DETECTED * se[worst])}
        record(**evidence)
        assert p > alpha, (
            f"the rsample gradient of E f(x) differs from the score-function estimate in parameter coordinate "
            f"{worst}: mean difference {float(mean[worst]):.4g} = {float(t[worst]):.2f} standard errors, "
            f"Bonferroni p = {p:.2e} < {alpha:.0e}: the reparameterized gradient is biased")
    return evidence
