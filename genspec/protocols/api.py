"""The protocol checks as a Python API: ``check_flow``, ``check_sampler``, ``check_relaxed``.

Each runs every property of its protocol (``FLOW_PROPERTIES``, ``SAMPLER_PROPERTIES``,
``RELAXED_PROPERTIES``) against one object and returns the evidence per property, or raises one
:class:`~genspec.protocols.core.ProtocolError` (an ``AssertionError``) listing every failed property
with its tier, expected vs got, error vs tolerance and the case that reproduces it. The pytest
wrappers (``properties/test_protocols_*.py``, ``statistical/test_protocols_*.py``) run the same
properties one test each. Example, in a user's own test::

    import genspec
    from mylib import MyFlow

    def make(dim, *, generator, dtype):
        return MyFlow(dim, generator=generator).to(dtype)

    def test_my_flow_is_a_flow():
        genspec.check_flow(make, dims=[2, 3, 5])

References: docs/spec-api.md, "Protocols".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from genspec.protocols import flow_density, flows, relaxed, relaxed_stats, sampler_gradient, samplers
from genspec.protocols.core import Property, run_properties
from genspec.protocols.flow_setup import FlowSetup

__all__ = ["FLOW_PROPERTIES", "RELAXED_PROPERTIES", "SAMPLER_PROPERTIES", "check_flow", "check_relaxed",
           "check_sampler", "flow_property", "run_flow_property"]

CaseFn = Callable[..., dict[str, Any]]


def _sweep(case_fn: CaseFn) -> Callable[..., dict[str, Any]]:
    """A property over every case of the setup: each supported dimension, cycling the batch ranks."""
    def run(make: Callable[..., Any], *, setup: FlowSetup, seed: int,
            dims: Sequence[int] | None = None) -> dict[str, Any]:
        cases = setup.cases(seed, dims=dims)
        worst, notes = 0.0, {}
        for case in cases:
            evidence = case_fn(make, dim=case.dim, batch_shape=case.batch_shape, seed=case.seed)
            worst = max(worst, float(evidence.get("max_error_over_tolerance", 0.0)))
            for key in ("jacobian_oracle", "jacobian_fallback_reason", "reason", "noise_factor"):
                if key in evidence:
                    notes.setdefault(key, evidence[key])
        return {"cases": [(c.dim, c.batch_shape, c.seed) for c in cases], "max_error_over_tolerance": worst, **notes}

    run.__doc__ = case_fn.__doc__
    return run


def _single(case_fn: CaseFn, preferred: Sequence[int]) -> Callable[..., dict[str, Any]]:
    """A property on one case: the first preferred dimension the factory supports."""
    def run(make: Callable[..., Any], *, setup: FlowSetup, seed: int,
            dims: Sequence[int] | None = None) -> dict[str, Any]:
        case = setup.cases(seed, dims=[setup.pick(preferred)])[0]
        return case_fn(make, dim=case.dim, batch_shape=case.batch_shape, seed=case.seed)

    run.__doc__ = case_fn.__doc__
    return run


def _density(fn: Callable[..., dict[str, Any]], pick: Callable[[FlowSetup], int]) -> Callable[..., dict[str, Any]]:
    def run(make: Callable[..., Any], *, setup: FlowSetup, seed: int,
            dims: Sequence[int] | None = None) -> dict[str, Any]:
        return fn(make, dim=pick(setup), seed=seed)

    run.__doc__ = fn.__doc__
    return run


FLOW_PROPERTIES: tuple[Property, ...] = (
    Property("round_trip", "law", _sweep(flows.flow_round_trip)),
    Property("forward_logdet", "law", _sweep(flows.flow_forward_logdet)),
    Property("inverse_logdet", "law", _sweep(flows.flow_inverse_logdet)),
    Property("shapes_and_dtypes", "law", _sweep(flows.flow_shapes_and_dtypes)),
    Property("composition", "law", _sweep(flows.flow_composition)),
    Property("generator_honoured", "law", _single(flows.flow_generator_honoured, (3, 2, 1))),
    Property("float32_matches_float64", "numerics", _sweep(flows.flow_float32_matches_float64)),
    Property("rejects_the_wrong_size", "validation", _single(flows.flow_rejects_the_wrong_size, (3, 2, 1))),
    Property("log_prob_normalises", "law", _density(flow_density.flow_log_prob_normalises, flow_density.quad_dim)),
    Property("samples_follow_log_prob", "law",
             _density(flow_density.flow_samples_follow_log_prob, lambda s: s.pick(flow_density.BALL_DIMS)),
             design=flow_density.BALL_DESIGN),
)
SAMPLER_PROPERTIES: tuple[Property, ...] = (
    Property("shapes_and_gradients", "law", samplers.sampler_shapes_and_gradients),
    Property("generator_honoured", "law", samplers.sampler_generator_honoured),
    Property("law_1d", "law", samplers.sampler_law_1d, design=samplers.LAW_DESIGN),
    Property("ball_mass", "law", samplers.sampler_ball_mass, design=samplers.BALL_DESIGN),
    Property("gradient_unbiased", "law", sampler_gradient.sampler_gradient_unbiased,
             design=sampler_gradient.GRADIENT_DESIGN),
)
RELAXED_PROPERTIES: tuple[Property, ...] = (
    Property("on_simplex", "law", relaxed.relaxed_on_simplex),
    Property("gradient", "law", relaxed.relaxed_gradient),
    Property("temperature_limits", "law", relaxed.relaxed_temperature_limits),
    Property("generator_honoured", "law", relaxed.relaxed_generator_honoured),
    Property("log_prob_is_concrete", "law", relaxed.relaxed_log_prob_is_concrete),
    Property("log_prob_normalises", "law", relaxed.relaxed_log_prob_normalises),
    Property("extreme_temperatures", "numerics", relaxed.relaxed_extreme_temperatures),
    Property("rejects_invalid_temperatures", "validation", relaxed.relaxed_rejects_invalid_temperatures),
    Property("argmax_frequencies", "law", relaxed_stats.relaxed_argmax_frequencies,
             design=relaxed_stats.ARGMAX_DESIGN),
    Property("log_ratio_is_logistic", "law", relaxed_stats.relaxed_log_ratio_is_logistic,
             design=relaxed_stats.LOGISTIC_DESIGN),
)


def _by_name(properties: Sequence[Property], name: str) -> Property:
    for prop in properties:
        if prop.name == name:
            return prop
    raise ValueError(f"no property {name!r}; known: {[p.name for p in properties]}")


def flow_property(name: str) -> Property:
    """The flow property called ``name``."""
    return _by_name(FLOW_PROPERTIES, name)


def run_flow_property(prop: Property, make: Callable[..., Any], *, seed: int, dims: Sequence[int] | None = None,
                      batch_ranks: Sequence[int] | None = None, only_dims: Sequence[int] | None = None
                      ) -> dict[str, Any]:
    """Run one flow property on ``make``; ``only_dims`` narrows the sweep to those of the supported dims."""
    setup = FlowSetup.of(make, dims=dims, batch_ranks=batch_ranks)
    chosen = None if only_dims is None else [d for d in setup.dims if d in set(only_dims)] or [min(setup.dims)]
    return prop.run(make, setup=setup, seed=seed, dims=chosen)


def _subject(obj: Any) -> str:
    return getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None) or type(obj).__name__


def check_flow(make: Callable[..., Any], *, dims: Sequence[int] | None = None,
               batch_ranks: Sequence[int] | None = None, seed: int = 0, statistics: bool = True
               ) -> dict[str, dict[str, Any]]:
    """Judge a flow factory ``make(dim, *, generator, dtype)`` by every flow property.

    Args:
        make: the factory (its attributes ``dims``, ``batch_ranks``, ``domain`` are honoured).
        dims: the dimensions to check (default: ``make.dims``, else 1-8).
        batch_ranks: the batch ranks ``forward``/``inverse`` accept (default: ``make.batch_ranks``, else 0-2).
        seed: every random choice derives from it; a failure names the case seed that reproduces it.
        statistics: also run the statistical test (sample vs log_prob) of a flow that is a distribution.

    Returns:
        The evidence per property. Raises ``ProtocolError`` (an ``AssertionError``) listing every failure.
    """
    setup = FlowSetup.of(make, dims=dims, batch_ranks=batch_ranks)
    return run_properties(FLOW_PROPERTIES, lambda prop: prop.run(make, setup=setup, seed=seed),
                          subject=f"flow {_subject(make)}", statistics=statistics)


def check_sampler(make: Callable[..., Any], *, seed: int = 0, statistics: bool = True) -> dict[str, dict[str, Any]]:
    """Judge a sampler factory ``make(*, generator, dtype)`` by every sampler property (see check_flow)."""
    if not callable(make):
        raise TypeError(f"make must be a factory make(*, generator, dtype), got {type(make).__name__}")
    return run_properties(SAMPLER_PROPERTIES, lambda prop: prop.run(make, seed=seed),
                          subject=f"sampler {_subject(make)}", statistics=statistics)


def check_relaxed(entry: Any, *, seed: int = 0, statistics: bool = True) -> dict[str, dict[str, Any]]:
    """Judge a relaxed categorical (an object with ``sample`` and optionally ``log_prob``) (see check_flow)."""
    if not callable(getattr(entry, "sample", None)):
        raise TypeError(f"entry must have a method sample(logits, tau, *, generator), got {type(entry).__name__}")
    return run_properties(RELAXED_PROPERTIES, lambda prop: prop.run(entry, seed=seed),
                          subject=f"relaxed {_subject(entry)}", statistics=statistics)
