"""The suite's false-alarm budget: the statistical tests' α add up to at most 1e-3.

Every statistical test item declares its α in its ``statistical`` marker (a parametrized test counts
once per parameter set). By the union bound, the probability that the default run raises any
statistical false alarm against a correct implementation is at most the sum.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import statistical
from genspec import AREAS
from genspec.stats import SUITE_ALPHA, Design, design_from_marker, total_alpha

AREA_SHARE = {"gaussian": 2e-4, "gumbel": 4e-4, "flows": 1e-4, "autoencoders": 1e-4, "models": 1e-4,
              "harness": 1e-4}


def _marks(obj: object) -> list[pytest.Mark]:
    marks = getattr(obj, "pytestmark", [])
    return list(marks) if isinstance(marks, list) else [marks]


def collect_designs() -> dict[str, list[Design]]:
    """Every statistical test function's design, per area, once per parametrized item."""
    per_area: dict[str, list[Design]] = {a: [] for a in AREAS}
    for info in pkgutil.iter_modules(statistical.__path__):
        if not info.name.startswith("test_"):
            continue
        module = importlib.import_module(f"statistical.{info.name}")
        module_marks = _marks(module)
        module_area = next((m.args[0] for m in module_marks if m.name == "area"), "harness")
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
    return per_area


def test_suite_alpha_is_within_budget() -> None:
    per_area = collect_designs()
    total = total_alpha([d for ds in per_area.values() for d in ds])
    assert total <= SUITE_ALPHA, f"the statistical tests' alpha adds up to {total:.3e} > {SUITE_ALPHA}"


@pytest.mark.parametrize("area", AREAS)
def test_each_area_stays_within_its_share(area: str) -> None:
    designs = collect_designs()[area]
    total = total_alpha(designs)
    assert total <= AREA_SHARE[area], (
        f"area {area}: alpha adds up to {total:.3e} > its share {AREA_SHARE[area]:.1e} "
        f"({[d.name for d in designs]})"
    )


def test_shares_add_up_to_the_suite_budget() -> None:
    assert sum(AREA_SHARE.values()) <= SUITE_ALPHA + 1e-15
