"""The bad-input matrix: every contract name called with one bad argument at a time.

For each target of ``bad_input_cases.targets()`` (every contract name of ``genspec.contract``, and the
methods of its classes) and each argument, the argument is replaced by bad values of its kind — NaN,
±inf, a wrong shape, an integer or bool dtype, a non-tensor, a string, None, a bool or a complex
number, an int beyond the float or int64 range, a generator that is not a ``torch.Generator`` — and
the outcome recorded:

* ``clear error``: the exception ``docs/spec-api.md`` ("Errors") asks for — ``TypeError`` for an object
  of the wrong type (a non-tensor where a tensor is needed, a non-generator, a non-callable), else
  ``ValueError`` — with a message that names the argument (as a word);
* ``raw error``: any other exception, the other one of the two, or a message that does not name the
  argument;
* ``silent NaN``: the call returned a result with a NaN or ±inf entry for an input not allowed;
* ``not rejected``: the call returned a finite result for an input not allowed;
* ``accepted``: the call returned, for an input the contract allows (``bad_input_cases.ALLOWED``).

Usage::

    python scripts/bad_input_matrix.py [--impl MODULE] [--out FILE.md] [--show KIND]

prints a summary table per contract name and exits 1 if any ``raw error``, ``silent NaN`` or
``not rejected`` remains; ``--out`` writes the summary and every failing case as markdown.
"""

from __future__ import annotations

import argparse
import fnmatch
import re
import sys
import warnings
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch  # noqa: E402

from bad_input_cases import ALLOWED, TENSOR_LIKE, Target, bad_values, expected_error, targets  # noqa: E402

OUTCOMES = ("clear error", "accepted", "raw error", "silent NaN", "not rejected")
FAILING = ("raw error", "silent NaN", "not rejected")


@dataclass(frozen=True)
class Case:
    target: str
    contract: str
    argument: str
    case: str
    outcome: str
    detail: str


def matches(key: tuple[str, str, str], target: str, argument: str, case: str) -> bool:
    """Whether the allow-list key ``(target, argument, case)`` (fnmatch patterns) matches."""
    return all(fnmatch.fnmatchcase(value, pattern) for value, pattern in zip((target, argument, case), key))


def allowed(target: str, argument: str, case: str) -> str | None:
    """The reason the contract allows this input, or None."""
    return next((reason for key, reason in ALLOWED.items() if matches(key, target, argument, case)), None)


def _tensors(result: Any) -> list[torch.Tensor]:
    if isinstance(result, torch.Tensor):
        return [result]
    if isinstance(result, (tuple, list)):
        return [t for r in result for t in _tensors(r)]
    if isinstance(result, float):
        return [torch.tensor(result)]
    return []


def _finite(result: Any) -> bool:
    return all(bool(torch.isfinite(t).all()) for t in _tensors(result) if t.is_floating_point())


def classify(target: Target, argument: str, case: str, impl: Any, arguments: dict[str, Any]) -> Case:
    """Call the target with ``arguments`` and judge the outcome."""
    def outcome(kind: str, detail: str) -> Case:
        return Case(target.label, target.contract, argument, case, kind, detail)

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = target.call(impl, arguments)
    except (ValueError, TypeError) as err:
        text = f"{type(err).__name__}: {err}"
        named = re.search(rf"(?<![\w.]){re.escape(argument)}\b", str(err))
        want = expected_error(target.kinds.get(argument, ""), case)
        if not isinstance(err, want):
            return outcome("raw error", f"{text} (spec-api.md, Errors: {want.__name__} expected)")
        return outcome("clear error" if named else "raw error", text)
    except Exception as err:  # noqa: BLE001 - every other exception is the finding
        return outcome("raw error", f"{type(err).__name__}: {err}")
    reason = allowed(target.label, argument, case)
    if reason is not None:
        return outcome("accepted", reason)
    if not _finite(result):
        return outcome("silent NaN", "returned a result with NaN or ±inf entries")
    return outcome("not rejected", "returned a finite result")


def _values(target: Target, argument: str, valid: dict[str, Any]) -> list[tuple[str, Any]]:
    kind = target.kinds[argument]
    if kind in TENSOR_LIKE:
        base = TENSOR_LIKE[kind](valid)
        extra = [(f"number {case}", value) for case, value in bad_values("number", 0.5)
                 if case not in ("+inf", "-inf")] if kind == "number_or_tensor_ll" else []
        return bad_values("tensor", base) + extra
    values = bad_values(kind, valid[argument])
    if kind == "number_or_tensor":
        values += [("tensor nan", torch.tensor([float("nan")], dtype=torch.float64)),
                   ("tensor int64", torch.tensor([1])), ("tensor wide", torch.full((5,), 0.5, dtype=torch.float64))]
    return values


def run(impl: Any) -> list[Case]:
    """Every case of the matrix against the implementation module ``impl``."""
    cases = []
    with torch.random.fork_rng(devices=[]):  # layers initialise from the global RNG: leave it as it was
        for target in targets():
            for argument in target.kinds:
                for case, value in _values(target, argument, target.valid()):
                    arguments = target.valid()
                    arguments[argument] = value
                    cases.append(classify(target, argument, case, impl, arguments))
    return cases


def summary(cases: list[Case]) -> list[tuple[str, Counter]]:
    per: dict[str, Counter] = {}
    for c in cases:
        per.setdefault(c.contract, Counter())[c.outcome] += 1
    return sorted(per.items())


def table(cases: list[Case]) -> str:
    rows = ["| contract name | cases | " + " | ".join(OUTCOMES) + " |", "|---|---:|" + "---:|" * len(OUTCOMES)]
    total: Counter = Counter()
    for name, counts in summary(cases):
        total.update(counts)
        rows.append(f"| `{name}` | {sum(counts.values())} | " + " | ".join(str(counts[o]) for o in OUTCOMES) + " |")
    rows.append(f"| all | {sum(total.values())} | " + " | ".join(str(total[o]) for o in OUTCOMES) + " |")
    return "\n".join(rows)


def failures(cases: list[Case], kinds: tuple[str, ...] = FAILING) -> list[Case]:
    return [c for c in cases if c.outcome in kinds]


def markdown(cases: list[Case], impl_name: str) -> str:
    lines = [f"# Bad-input matrix: `{impl_name}`", "", table(cases), ""]
    bad = failures(cases)
    lines.append(f"{len(bad)} failing cases." if bad else "No raw error, no silent NaN, nothing wrongly accepted.")
    if bad:
        lines += ["", "| target | argument | case | outcome | detail |", "|---|---|---|---|---|"]
        lines += [f"| `{c.target}` | `{c.argument}` | {c.case} | {c.outcome} | {c.detail.splitlines()[0][:160]} |"
                  for c in bad]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--impl", default="reference", help="the implementation module (default: reference)")
    parser.add_argument("--out", type=Path, help="write the summary and the failing cases as markdown")
    parser.add_argument("--show", choices=OUTCOMES, action="append", help="list the cases with this outcome")
    args = parser.parse_args(argv)
    from genspec.implementation import import_implementation, resolve

    impl = import_implementation(resolve(args.impl))
    cases = run(impl)
    print(table(cases))
    for c in failures(cases, tuple(args.show or FAILING)):
        print(f"{c.outcome:>12}  {c.target}({c.argument}={c.case}): {c.detail.splitlines()[0][:200]}")
    if args.out:
        args.out.write_text(markdown(cases, args.impl))
    return 1 if failures(cases) else 0


if __name__ == "__main__":
    sys.exit(main())
