"""What every protocol check shares: properties with a tier, cases that say how to reproduce them,
one error that lists every failure, and the bridge to pytest.

A *property* is a plain function that judges one object (a flow factory, a sampler factory, a relaxed
sampler) and returns its evidence as a dict, or raises ``AssertionError`` naming what failed,
expected vs got, the error vs the tolerance, and the case (dimension, batch shape, seed) that
reproduces it. It raises :class:`NotApplicable` when the object lacks what the property needs (a
flow without ``log_prob``). Each property declares a *tier*:

| tier | what a failure means |
|---|---|
| ``law`` | the mathematics is wrong: an inverse, a log-determinant, a law, a shape of the contract |
| ``numerics`` | right in float64 at moderate inputs, wrong in float32 or at extreme inputs |
| ``validation`` | an invalid argument is not rejected as the contract asks |

:func:`run_properties` runs a list of properties and raises one :class:`ProtocolError` (an
``AssertionError``) listing every failure; :func:`run_in_pytest` runs one property inside a test,
turning :class:`NotApplicable` into a skip. Statistical properties carry their design (statistic,
n, α, smallest deviation detected with power 0.99) from ``genspec.stats``.

References: docs/spec-api.md, section "Protocols"; STYLE.md habits 9 and 11.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import torch

from genspec import checks
from genspec.checks import assert_close
from genspec.stats import Design

__all__ = ["TIERS", "NotApplicable", "Property", "ProtocolError", "close", "derive_seed", "generator_for",
           "reproducing", "run_in_pytest", "run_properties", "seed_from"]

TIERS: tuple[str, ...] = ("law", "numerics", "validation")
F64 = torch.float64


class NotApplicable(Exception):
    """The object lacks what the property needs (e.g. a flow without ``log_prob`` and ``sample``)."""


@dataclass(frozen=True)
class Property:
    """One check of a protocol: ``run(*args, seed=...) -> evidence``, raising ``AssertionError``."""

    name: str
    tier: str
    run: Callable[..., dict[str, Any]]
    design: Design | None = None

    def __post_init__(self) -> None:
        if self.tier not in TIERS:
            raise ValueError(f"tier={self.tier!r} must be one of {TIERS}")

    @property
    def doc(self) -> str:
        """The first line of the property function's docstring."""
        return (self.run.__doc__ or self.name).strip().splitlines()[0]


class ProtocolError(AssertionError):
    """Every failed property of one object, each with its tier and evidence."""

    def __init__(self, subject: str, failures: dict[str, str], evidence: dict[str, dict[str, Any]]) -> None:
        self.subject = subject
        self.failures = failures
        self.evidence = evidence
        lines = [f"{subject}: {len(failures)} of {len(evidence)} properties failed"]
        lines += [f"- {name}: {message}" for name, message in failures.items()]
        super().__init__("\n".join(lines))


def derive_seed(seed: int, *labels: object) -> int:
    """A seed in [0, 2**62) derived from ``seed`` and ``labels`` (stable across runs and platforms)."""
    text = "/".join([str(int(seed))] + [str(label) for label in labels])
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little") >> 2


def generator_for(seed: int, *labels: object) -> torch.Generator:
    """A CPU generator seeded with ``derive_seed(seed, *labels)``."""
    return torch.Generator().manual_seed(derive_seed(seed, *labels))


def seed_from(generator: torch.Generator) -> int:
    """One seed drawn from ``generator`` (the pytest wrappers draw theirs from the test's generator)."""
    return int(torch.randint(2**31, (), generator=generator))


def _where(case: dict[str, Any]) -> str:
    return ", ".join(f"{k}={tuple(v) if isinstance(v, torch.Size) else v!r}" for k, v in case.items())


@contextlib.contextmanager
def reproducing(**case: Any) -> Iterator[None]:
    """Append the case (dimension, batch shape, seed, ...) to any failure raised in the body.

    An exception other than ``AssertionError`` raised by the object under test (a shape error in its
    ``forward``, say) becomes an ``AssertionError`` naming it: the property failed on that case.
    """
    try:
        yield
    except NotApplicable:
        raise
    except AssertionError as error:
        raise AssertionError(f"{error} [reproduce with {_where(case)}]") from error
    except Exception as error:
        first = (str(error).splitlines() or [""])[0][:300]
        raise AssertionError(f"raised {type(error).__name__}: {first} [reproduce with {_where(case)}]") from error


def close(actual: torch.Tensor, expected: torch.Tensor | float, *, kind: str, what: str,
          dtype: torch.dtype | None = None) -> float:
    """``assert_close`` that also returns the largest error / tolerance ratio it recorded."""
    assert_close(actual, expected, kind=kind, what=what, dtype=dtype)
    return float(checks.current_evidence()[-1]["max_error_over_tolerance"])


def run_properties(properties: Sequence[Property], call: Callable[[Property], dict[str, Any]], *,
                   subject: str, statistics: bool = True) -> dict[str, dict[str, Any]]:
    """Run every property through ``call``; return the evidence, or raise one :class:`ProtocolError`.

    The evidence of each property is a dict with its ``tier``, its ``outcome`` (passed, failed, not
    applicable, not run), what the property returned, and what it ``record``-ed. The caller's own
    evidence list (a pytest check's, when called from one) is kept and extended.
    """
    evidence: dict[str, dict[str, Any]] = {}
    failures: dict[str, str] = {}
    for prop in properties:
        entry: dict[str, Any] = {"tier": prop.tier, "property": prop.doc}
        if prop.design is not None:
            d = prop.design
            entry["design"] = {"statistic": d.statistic, "n": d.n, "alpha": d.alpha, "detects": d.detects}
            if not statistics:
                evidence[prop.name] = {**entry, "outcome": "not run", "reason": "statistics=False"}
                continue
        outer = checks.reset_evidence()
        try:
            entry.update(call(prop))
            entry["outcome"] = "passed"
        except NotApplicable as reason:
            entry.update(outcome="not applicable", reason=str(reason))
        except AssertionError as error:
            entry.update(outcome="failed", message=str(error))
            failures[prop.name] = f"[{prop.tier}] {error}"
        except Exception as error:
            message = f"raised {type(error).__name__}: {error}"
            entry.update(outcome="failed", message=message)
            failures[prop.name] = f"[{prop.tier}] {message}"
        finally:
            entry["recorded"] = checks.reset_evidence()
            checks.current_evidence().extend(outer)
        evidence[prop.name] = entry
    if failures:
        raise ProtocolError(subject, failures, evidence)
    return evidence


def run_in_pytest(prop: Property, call: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run one property inside a pytest check through ``call()``: its evidence is recorded (without
    the list of cases), and NotApplicable ends the check as a skip naming the reason."""
    import pytest

    try:
        evidence = call()
    except NotApplicable as reason:
        pytest.skip(f"not applicable: {reason}")
    checks.record(property=prop.name, tier=prop.tier, **{k: v for k, v in evidence.items() if k != "cases"})
    return evidence
