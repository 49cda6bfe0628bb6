"""The suite's false-alarm budget: the statistical tests' α add up to at most 1e-3.

Every statistical test item declares its α in its ``statistical`` marker (a parametrized test counts
once per parameter set). By the union bound, the probability that the default run raises any
statistical false alarm against a correct implementation is at most the sum.
"""

from __future__ import annotations

import pytest

from genspec import AREAS
from genspec.designs import collect_designs
from genspec.stats import SUITE_ALPHA, total_alpha

AREA_SHARE = {"gaussian": 2.5e-4, "gumbel": 3e-4, "flows": 3e-4, "autoencoders": 5e-5, "models": 5e-5,
              "harness": 5e-5}


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
