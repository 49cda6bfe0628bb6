"""The bad-input matrix (``scripts/bad_input_matrix.py``) over the reference: every contract name, one
bad argument at a time, ends in a clear error (``ValueError`` / ``TypeError`` naming the argument) or
in an input the contract allows; never a raw error, a silent NaN or a bad input quietly accepted."""

from __future__ import annotations

import math
import re
import sys
import time
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import bad_input_matrix as matrix  # noqa: E402

from genspec.contract import all_names  # noqa: E402


@pytest.fixture(scope="module")
def run() -> tuple[list[matrix.Case], float]:
    from genspec import reference

    start = time.perf_counter()
    cases = matrix.run(reference)
    return cases, time.perf_counter() - start


def test_the_reference_has_no_raw_error_no_silent_nan_and_accepts_nothing_unlisted(run) -> None:
    cases, _ = run
    bad = matrix.failures(cases)
    listing = "\n".join(f"{c.outcome}: {c.target}({c.argument}={c.case}): {c.detail}" for c in bad[:20])
    assert not bad, f"{len(bad)} of {len(cases)} bad-input cases fail:\n{listing}"


def test_the_matrix_covers_every_contract_name_in_seconds(run) -> None:
    cases, seconds = run
    covered = {c.contract for c in cases}
    assert covered == set(all_names()), f"not covered: {sorted(set(all_names()) - covered)}"
    assert len(cases) > 900, f"only {len(cases)} cases"
    assert seconds < 5.0, f"the matrix took {seconds:.1f} s"


ONE_STYLE = re.compile(r"(ValueError|TypeError): Expected (?P<name>[A-Za-z_][\w.\[\]]*) \(.+?\) to .+, but found .+", re.S)
"""The reference's one message style: ``Expected <name> (<what was passed>) to <constraint>, but found <value>``."""


def test_every_error_of_the_reference_speaks_in_one_style(run) -> None:
    """Each clear error names an argument of the call, what was passed, the constraint and the value
    found (the torch.distributions form), whichever concept raised it."""
    cases, _ = run
    odd = [c for c in cases if c.outcome == "clear error" and not ONE_STYLE.fullmatch(c.detail)]
    listing = "\n".join(f"{c.target}({c.argument}={c.case}): {c.detail}" for c in odd[:10])
    assert not odd, f"{len(odd)} errors not in the one style:\n{listing}"


def test_every_allow_list_entry_is_used(run) -> None:
    """An allow-list entry that no accepted case matches is stale: it would hide a future regression."""
    cases, _ = run
    unused = [key for key in matrix.ALLOWED
              if not any(c.outcome == "accepted" and matrix.matches(key, c.target, c.argument, c.case) for c in cases)]
    assert not unused, f"unused allow-list entries: {unused}"


def _target(call: Any) -> matrix.Target:
    return matrix.Target("f", "f", lambda: {"x": 1.0}, lambda impl, a: call(**a), {"x": "number"})


def _raise(exc: Exception) -> Any:
    def f(x: object) -> None:
        raise exc
    return f


@pytest.mark.parametrize(("call", "outcome"), [
    (_raise(ValueError("Expected x (float) to be finite, but found nan")), "clear error"),
    (_raise(TypeError("Expected x (str) to be a real number, but found 'a'")), "raw error"),  # options: ValueError
    (_raise(ValueError("Expected xs to be finite")), "raw error"),          # names another argument
    (_raise(ValueError("Expected y.x to be finite")), "raw error"),         # an attribute x, not the argument
    (_raise(AttributeError("'float' object has no attribute 'x'")), "raw error"),
    (_raise(RuntimeError("x: shapes do not broadcast")), "raw error"),
    (lambda x: math.nan, "silent NaN"),
    (lambda x: (1.0, math.inf), "silent NaN"),
    (lambda x: 1.0, "not rejected"),
], ids=["value-error", "type-error-for-an-option", "other-name", "attribute", "attribute-error", "runtime-error",
        "nan", "inf", "finite"])
def test_outcomes_are_classified(call, outcome) -> None:
    got = matrix.classify(_target(call), "x", "bad", None, {"x": 1.0})
    assert got.outcome == outcome, f"{got.outcome} ({got.detail}), expected {outcome}"


def test_an_allowed_input_is_accepted_even_when_not_finite() -> None:
    got = matrix.classify(matrix.Target("iwae_bound", "iwae_bound", dict, lambda impl, a: math.inf, {}),
                          "log_weights", "-inf", None, {})
    assert got.outcome == "accepted"


def test_the_exception_class_follows_the_errors_rule() -> None:
    """A non-tensor where a tensor is needed is a TypeError; a ValueError there is the wrong class."""
    target = matrix.Target("f", "f", dict, lambda impl, a: _raise(ValueError("Expected x (list) ..."))(**a),
                           {"x": "tensor"})
    assert matrix.classify(target, "x", "list", None, {"x": [1.0]}).outcome == "raw error"
    assert matrix.classify(target, "x", "nan", None, {"x": [1.0]}).outcome == "clear error"
