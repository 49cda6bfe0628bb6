"""Tests of the protocol checks' Python API (``genspec.check_flow`` and friends) and of their helpers:
perturbation, the Jacobian oracle and its fallback, cases, the error that lists every failure, the
statistical designs, and that each check can fail (a broken object of each kind is rejected)."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest
import torch
from torch import nn

import genspec
from genspec import checks, stats
from genspec.protocols import (
    FLOW_PROPERTIES,
    RELAXED_PROPERTIES,
    SAMPLER_PROPERTIES,
    NotApplicable,
    ProtocolError,
    check_flow,
    check_relaxed,
    check_sampler,
    core,
    mass,
    relaxed,
    relaxed_stats,
    sampler_gradient,
    samplers,
)
from genspec.protocols.flow_setup import BATCH_SHAPES, FlowSetup, build_flow
from genspec.protocols.jacobian import jacobian, log_abs_det_jacobian
from genspec.protocols.perturb import perturb_
from genspec.reference.protocols import (
    FLOWS,
    RELAXED,
    SAMPLERS,
    DiagonalGaussian,
    GumbelSoftmax,
)

F64 = torch.float64


class Shift(nn.Module):
    """z = x + b (b a parameter initialised to zero): logdet 0."""

    def __init__(self, dim: int, *, broken_inverse: bool = False) -> None:
        super().__init__()
        self.b = nn.Parameter(torch.zeros(dim))
        self.broken_inverse = broken_inverse

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return x + self.b, x.new_zeros(x.shape[:-1])

    def inverse(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return (z + self.b if self.broken_inverse else z - self.b), z.new_zeros(z.shape[:-1])


def _shift_factory(broken: bool = False):
    def make(dim: int, *, generator: torch.Generator, dtype: torch.dtype = F64) -> Shift:
        return Shift(dim, broken_inverse=broken).to(dtype)
    return make


def test_check_flow_returns_evidence_per_property_with_tiers() -> None:
    evidence = check_flow(FLOWS["Scaling"], dims=[1, 2], seed=3)
    assert list(evidence) == [p.name for p in FLOW_PROPERTIES]
    assert evidence["round_trip"]["outcome"] == "passed" and evidence["round_trip"]["tier"] == "law"
    assert evidence["float32_matches_float64"]["tier"] == "numerics"
    assert evidence["log_prob_normalises"]["outcome"] == "not applicable"
    assert [tuple(c[:2]) for c in evidence["forward_logdet"]["cases"]] == [(1, ()), (2, (5,))]


def test_a_broken_identity_initialised_flow_is_caught_only_because_it_is_perturbed() -> None:
    """At b = 0 the broken inverse z + b is right; the perturbation moves b and exposes it."""
    make = _shift_factory(broken=True)
    unperturbed = make(3, generator=torch.Generator(), dtype=F64)
    z = torch.randn(4, 3, dtype=F64)
    assert torch.equal(unperturbed.inverse(unperturbed(z)[0])[0], z)
    with pytest.raises(ProtocolError) as info:
        check_flow(make, dims=[2, 3], seed=0, statistics=False)
    error = info.value
    assert isinstance(error, AssertionError)
    assert set(error.failures) == {"round_trip", "composition", "float32_matches_float64"}
    assert "[law]" in error.failures["round_trip"] and "reproduce with dim=2" in error.failures["round_trip"]
    assert error.evidence["forward_logdet"]["outcome"] == "passed"


def test_statistics_false_leaves_the_statistical_property_not_run() -> None:
    evidence = check_flow(FLOWS["RandomPermutation"], dims=[2], seed=1, statistics=False)
    assert evidence["samples_follow_log_prob"]["outcome"] == "not run"
    assert evidence["samples_follow_log_prob"]["design"]["alpha"] == mass.ALPHA_BALL


def test_the_callers_evidence_list_is_kept_and_extended() -> None:
    checks.record(mine=1)
    before = list(checks.current_evidence())
    check_flow(FLOWS["RandomPermutation"], dims=[2], seed=0, statistics=False)
    now = checks.current_evidence()
    assert now[:len(before)] == before and len(now) >= len(before)


def test_genspec_exposes_the_checks_lazily_without_importing_torch() -> None:
    assert genspec.check_flow is check_flow and genspec.check_relaxed is check_relaxed
    code = "import sys, genspec; print('torch' in sys.modules, 'genspec.protocols' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"], "import genspec imported torch or the protocol checks eagerly"
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        genspec.nope


def test_perturb_moves_every_floating_parameter_and_no_buffer() -> None:
    module = nn.Linear(3, 2)
    module.register_buffer("mask", torch.ones(2, 3))
    with torch.no_grad():
        module.weight.zero_()
        module.bias.zero_()
    info = perturb_(module, torch.Generator().manual_seed(0))
    assert info == {"perturbed": True, "noise_factor": 1.0, "parameters": 2}
    assert bool((module.weight != 0).all()) and bool((module.bias != 0).all())
    assert torch.equal(module.mask, torch.ones(2, 3))
    assert perturb_(object(), torch.Generator())["perturbed"] is False


def test_perturb_halves_the_noise_until_the_probe_is_well_conditioned() -> None:
    shift = Shift(2)
    probe = lambda: (shift.b * 1e4, torch.zeros(()), shift.b)
    info = perturb_(shift, torch.Generator().manual_seed(1), probe=probe, dim=2)
    assert info["noise_factor"] < 1.0 and float(shift.b.detach().abs().max()) * 1e4 <= 1e3
    never = perturb_(Shift(2), torch.Generator(), probe=lambda: (torch.tensor([math.nan]),) * 3, dim=2)
    assert never["perturbed"] is False and never["noise_factor"] == 0.0


class ItemFlow(nn.Module):
    """z = x * exp(0.3), with Python control flow on the input's value: torch.func cannot trace it."""

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        s = 0.3 if float(x.detach().sum()) > -1e300 else 0.0
        return x * math.exp(s), x.new_full(x.shape[:-1], s * x.shape[-1])


def test_jacobian_falls_back_and_says_so_with_the_same_matrices() -> None:
    x = torch.randn(2, 3, 3, dtype=F64)
    jac, evidence = jacobian(ItemFlow(), x)
    assert evidence["jacobian_oracle"] == "torch.autograd.functional.jacobian per example"
    assert "torch.func" in evidence["jacobian_fallback_reason"]
    assert torch.allclose(jac, math.exp(0.3) * torch.eye(3, dtype=F64).expand(2, 3, 3, 3))
    traced, evidence = jacobian(lambda v: (torch.sinh(v), None), x)
    assert evidence == {"jacobian_oracle": "torch.func.vmap(jacrev)"}
    assert torch.allclose(traced, torch.diag_embed(torch.cosh(x)))
    logdet, _ = log_abs_det_jacobian(ItemFlow(), x)
    assert torch.allclose(logdet, torch.full((2, 3), 0.9, dtype=F64))


def test_cases_cycle_the_batch_ranks_and_the_setup_validates_its_factory() -> None:
    setup = FlowSetup.of(FLOWS["NICE-gaussian"])
    assert setup.dims == tuple(range(2, 9)) and setup.batch_ranks == (0, 1, 2)
    cases = setup.cases(5)
    assert [c.batch_shape for c in cases[:4]] == [BATCH_SHAPES[0], BATCH_SHAPES[1], BATCH_SHAPES[2], BATCH_SHAPES[0]]
    assert len({c.seed for c in cases}) == len(cases)
    with pytest.raises(ValueError, match="dims"):
        FlowSetup.of(FLOWS["Scaling"], dims=[0])
    with pytest.raises(ValueError, match="batch_ranks"):
        FlowSetup.of(FLOWS["Scaling"], batch_ranks=[7])
    with pytest.raises(TypeError, match="factory"):
        FlowSetup.of("not a factory")  # type: ignore[arg-type]


def test_build_flow_draws_from_the_generator_alone() -> None:
    a, _ = build_flow(FLOWS["FlowSequential"], 5, seed=11)
    b, _ = build_flow(FLOWS["FlowSequential"], 5, seed=11)
    x = torch.randn(3, 5, dtype=F64)
    assert torch.equal(a(x)[0], b(x)[0])


def test_reproducing_names_the_case_and_turns_errors_into_failures() -> None:
    with pytest.raises(AssertionError, match=r"raised RuntimeError: boom \[reproduce with dim=3, seed=7\]"):
        with core.reproducing(dim=3, seed=7):
            raise RuntimeError("boom")
    with pytest.raises(NotApplicable), core.reproducing(dim=3):
        raise NotApplicable("no log_prob")
    assert core.derive_seed(1, "a") == core.derive_seed(1, "a") != core.derive_seed(1, "b")
    with pytest.raises(ValueError, match="tier"):
        core.Property("x", "speed", dict)


def test_designs_come_from_genspec_stats() -> None:
    assert mass.N_BALL == stats.z_sample_size(1.0, math.sqrt(2 * 0.8 / 0.2) / mass.REL_ERROR, alpha=mass.ALPHA_BALL)
    assert samplers.N_LAW == stats.ks_sample_size(samplers.KS_DISTANCE, alpha=samplers.ALPHA_LAW / 2)
    assert relaxed_stats.ARGMAX_DESIGN.n == relaxed_stats.argmax_sample_size(5)
    designed = [p for p in (*FLOW_PROPERTIES, *SAMPLER_PROPERTIES, *RELAXED_PROPERTIES) if p.design is not None]
    assert len(designed) == 6 and all(p.design.alpha <= 1e-6 for p in designed)


class OffsetGaussian(DiagonalGaussian):
    def log_prob(self, x: torch.Tensor) -> torch.Tensor:
        return super().log_prob(x) + 0.3  # mass e^0.3 = 1.35 times too large


def _gaussian(k: int, cls=DiagonalGaussian):
    def make(*, generator: torch.Generator, dtype: torch.dtype = F64):
        mu = (0.5 * torch.randn(k, generator=generator, dtype=F64)).to(dtype).requires_grad_()
        logvar = (0.5 * torch.randn(k, generator=generator, dtype=F64)).to(dtype).requires_grad_()
        return cls(mu, logvar)
    return make


def test_ball_mass_test_rejects_a_density_off_by_a_constant_and_skips_a_simplex() -> None:
    s = _gaussian(3, OffsetGaussian)(generator=torch.Generator().manual_seed(0))
    with pytest.raises(AssertionError, match="not the normalised density"):
        mass.ball_mass_test(s.log_prob, lambda n, g: s.rsample((n,), generator=g).detach(), event_shape=(3,),
                            seed=0, n=4000, alpha=1e-3)
    simplex = lambda n, g: torch.softmax(torch.randn(n, 3, generator=g, dtype=F64), -1)
    with pytest.raises(NotApplicable, match="dimension < 3"):
        mass.ball_mass_test(lambda y: y.sum(-1), simplex, event_shape=(3,), seed=0, n=100)


def test_sampler_checks_reject_an_offset_density_and_a_biased_gradient() -> None:
    with pytest.raises(AssertionError, match="not a normalised density"):
        samplers.sampler_law_1d(_gaussian(1, OffsetGaussian), seed=0, n=4000, alpha=1e-3)

    class HalfGradient(DiagonalGaussian):
        def rsample(self, sample_shape=(), *, generator=None):
            x = super().rsample(sample_shape, generator=generator)
            return x.detach() + 0.5 * (x - x.detach())  # right values, half the gradient

    with pytest.raises(AssertionError, match="biased"):
        sampler_gradient.sampler_gradient_unbiased(_gaussian(2, HalfGradient), seed=0)
    assert check_sampler(SAMPLERS["DiagonalGaussian-1"], seed=2, statistics=False)["law_1d"]["outcome"] == "not run"


class Untempered(GumbelSoftmax):
    def sample(self, logits, tau, *, generator=None):
        return super().sample(logits, 1.0, generator=generator)


def test_relaxed_checks_reject_a_sampler_that_ignores_the_temperature() -> None:
    with pytest.raises(AssertionError, match="tau"):
        relaxed.relaxed_gradient(Untempered(), seed=0)
    with pytest.raises(AssertionError, match="not standard logistic"):
        relaxed_stats.relaxed_log_ratio_is_logistic(Untempered(), seed=0)
    with pytest.raises(AssertionError, match="do not approach the vertices"):
        relaxed.relaxed_temperature_limits(Untempered(), seed=0)
    with pytest.raises(TypeError, match="sample"):
        check_relaxed(object())


def test_the_concrete_oracle_matches_the_reference_density() -> None:
    y = torch.softmax(torch.randn(4, 3, dtype=F64), -1)
    logits = torch.randn(4, 3, dtype=F64)
    assert torch.allclose(relaxed.concrete_log_density(y, logits, 0.7), RELAXED["gumbel_softmax"].log_prob(y, logits, 0.7))
