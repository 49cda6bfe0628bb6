r"""The flow protocol: any flow of the implementation's ``FLOWS`` registry, judged by its behaviour.

One test per property of ``genspec.protocols.FLOW_PROPERTIES``, once per registry entry
(``flow_entry``; a module without ``FLOWS`` gets each test as *not provided*). Every flow is built by
its factory ``make(dim, *, generator, dtype)`` with a generator seeded from the run's seed and the
test id, and its parameters are perturbed away from their initialisation before it is judged:

    inverse(forward(x)) = x,  forward(inverse(z)) = z            round trip
    forward logdet = log|det ∂forward/∂x|                        autograd Jacobian + slogdet, float64
    inverse logdet at forward(x) = -(forward logdet at x) = log|det ∂inverse/∂z| there
    logdet of shape batch in x's dtype (float64 and float32)      shapes
    two flows composed in plain Python: logdets add, the inverse runs in reverse order
    the same generator seed: the same flow and the same samples   generator
    float32 agrees with float64 within float32 tolerances         (numerics tier)
    forward and inverse raise for points of size D + 1            (validation tier)
    ∫ exp(log_prob) = 1 in D = 1 or 2 (flows with log_prob and sample)

The default run sweeps the dimensions 1, 2, 3 and 5 that the factory supports (batch ranks
cycling 0, 1, 2); the ``thorough`` profile and ``genspec.check_flow`` sweep every supported
dimension. The statistical check (samples follow log_prob) is in ``statistical/test_protocols_flows.py``.

References: docs/spec-api.md, "Protocols"; seed 003, sections 直面概率积分 and flow; Dinh et al.,
arXiv:1410.8516 §2-3.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
import torch
from hypothesis import settings

from genspec.protocols import flow_property, run_flow_property, run_in_pytest
from genspec.protocols.core import seed_from

pytestmark = pytest.mark.area("flows")

DEFAULT_RUN_DIMS: tuple[int, ...] = (1, 2, 3, 5)


def _only_dims() -> Sequence[int] | None:
    """The default run's dimensions; every supported one under a thorough profile (>= 100 examples)."""
    return None if settings.default.max_examples >= 100 else DEFAULT_RUN_DIMS


def _judge(name: str, impl: Any, flow_entry: str, generator: torch.Generator) -> dict[str, Any]:
    make = impl.FLOWS[flow_entry]
    prop = flow_property(name)
    seed = seed_from(generator)
    return run_in_pytest(prop, lambda: run_flow_property(prop, make, seed=seed, only_dims=_only_dims()))


@pytest.mark.tier("law")
def test_flow_round_trip(impl, flow_entry, generator):
    _judge("round_trip", impl, flow_entry, generator)


@pytest.mark.tier("law")
def test_flow_shapes_and_dtypes(impl, flow_entry, generator):
    _judge("shapes_and_dtypes", impl, flow_entry, generator)


@pytest.mark.tier("law")
def test_flow_forward_logdet_is_log_abs_det_jacobian(impl, flow_entry, generator):
    _judge("forward_logdet", impl, flow_entry, generator)


@pytest.mark.tier("law")
def test_flow_inverse_logdet_is_minus_forward_logdet(impl, flow_entry, generator):
    _judge("inverse_logdet", impl, flow_entry, generator)


@pytest.mark.tier("law")
def test_flow_composition_adds_logdets_and_inverts_in_reverse_order(impl, flow_entry, generator):
    _judge("composition", impl, flow_entry, generator)


@pytest.mark.tier("law")
def test_flow_generator_is_honoured(impl, flow_entry, generator):
    _judge("generator_honoured", impl, flow_entry, generator)


@pytest.mark.tier("law")
def test_flow_log_prob_normalises(impl, flow_entry, generator):
    _judge("log_prob_normalises", impl, flow_entry, generator)


@pytest.mark.tier("numerics")
def test_flow_float32_matches_float64(impl, flow_entry, generator):
    _judge("float32_matches_float64", impl, flow_entry, generator)


@pytest.mark.tier("validation")
def test_flow_rejects_inputs_of_the_wrong_size(impl, flow_entry, generator):
    _judge("rejects_the_wrong_size", impl, flow_entry, generator)
