"""The declared designs of the suite's statistical tests, read from their ``statistical`` markers.

Used by ``meta_tests/test_alpha_budget.py`` (the α budget) and ``genspec designs`` (the table of
statistic, sample size, α and smallest detected deviation for the docs). A parametrized test counts
once per parameter set, as pytest collects it.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest

from genspec import AREAS
from genspec.stats import Design, design_from_marker


def _marks(obj: object) -> list[pytest.Mark]:
    marks = getattr(obj, "pytestmark", [])
    return list(marks) if isinstance(marks, list) else [marks]


SUITE_PACKAGES: tuple[str, ...] = ("genspec.statistical", "genspec.properties", "genspec.models.tests")


def collect_designs(packages: tuple[str, ...] = SUITE_PACKAGES) -> dict[str, list[Design]]:
    """Every statistical test function's design in ``packages``, per area, once per collected item."""
    per_area: dict[str, list[Design]] = {a: [] for a in AREAS}
    for package in packages:
        _collect(package, per_area)
    return per_area


def _collect(package: str, per_area: dict[str, list[Design]]) -> None:
    pkg = importlib.import_module(package)
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        if not info.name.startswith("test_"):
            continue
        module = importlib.import_module(f"{package}.{info.name}")
        module_area = next((m.args[0] for m in _marks(module) if m.name == "area"), "harness")
        for name, fn in vars(module).items():
            if not (name.startswith("test_") and callable(fn)):
                continue
            marks = _marks(fn)
            stat = next((m for m in marks if m.name == "statistical"), None)
            if stat is None:
                continue
            area = next((m.args[0] for m in marks if m.name == "area"), module_area)
            n_items = 1
            for m in marks:
                if m.name == "parametrize":
                    n_items *= len(m.args[1])
            design = design_from_marker(f"{info.name}::{name}", stat.kwargs)
            per_area[area].extend([design] * n_items)


def designs_table(per_area: dict[str, list[Design]]) -> str:
    """A Markdown table: one row per statistical test function, with its item count and total α."""
    lines = ["| area | test | statistic | n | α per item | items | detects with power 0.99 |",
             "|---|---|---|---:|---:|---:|---|"]
    total = 0.0
    for area, designs in per_area.items():
        seen: dict[str, tuple[Design, int]] = {}
        for d in designs:
            seen[d.name] = (d, seen.get(d.name, (d, 0))[1] + 1)
        for d, count in seen.values():
            total += d.alpha * count
            lines.append(f"| {area} | `{d.name}` | {d.statistic} | {d.n} | {d.alpha:.1e} | {count} | {d.detects} |")
    lines.append(f"\nTotal α over all items: {total:.2e} (budget 1e-3).")
    return "\n".join(lines)
