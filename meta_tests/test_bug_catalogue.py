"""Tests of the bug catalogue's entries and of its runner's bookkeeping (not of the kills: those are
``genspec bugs``' job, which ``.ci/run`` runs)."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest

from genspec import bugs
from genspec import reference
from genspec import AREAS, TIERS
from genspec.catalogue import Entry, Outcome, discover, format_provenance, format_table

ROOT = Path(__file__).resolve().parents[1]
ENTRIES = sorted(m.name for m in pkgutil.iter_modules(bugs.__path__) if not m.name.startswith("_"))


def _reference_snapshot() -> dict[str, object]:
    return {name: getattr(reference, name) for name in dir(reference) if not name.startswith("_")}


@pytest.mark.parametrize("name", ENTRIES)
def test_entry_is_well_formed_and_differs_from_reference(name: str) -> None:
    before = _reference_snapshot()
    module = importlib.import_module(f"genspec.bugs.{name}")
    assert _reference_snapshot() == before, f"importing bugs.{name} changed the reference module"
    assert module.AREA in AREAS, f"bugs.{name}: AREA={module.AREA!r} not in {AREAS}"
    assert module.TIER in TIERS, f"bugs.{name}: TIER={module.TIER!r} not in {TIERS}"
    assert name.startswith(module.AREA + "_"), f"bugs.{name}: the file name should start with its area"
    assert module.__doc__ and module.SOURCE, f"bugs.{name}: needs a docstring and a SOURCE"
    test_file = module.CAUGHT_BY.split("::")[0]
    assert (ROOT / test_file).is_file(), f"bugs.{name}: CAUGHT_BY names a missing file {test_file}"
    overridden = [n for n, v in before.items() if getattr(module, n, v) is not v]
    assert overridden, f"bugs.{name} overrides no public name of reference: it is not a bug"


def test_discover_reads_metadata_and_rejects_unknown_names() -> None:
    entries = discover()
    assert [e.name for e in entries] == ENTRIES
    with pytest.raises(ValueError, match="not in the catalogue"):
        discover(names=["no_such_entry"])


def test_kill_table_counts_kills() -> None:
    entry = Entry("gaussian_x", "gaussian", "properties/x.py::t", "plausible", "doc")
    table = format_table([Outcome(entry, "killed", "properties/x.py::t", 1.0),
                          Outcome(entry, "survived", "", 2.0)])
    assert "| `gaussian_x` | gaussian | law | killed | `properties/x.py::t` |" in table
    assert "1 of 2 entries killed." in table


def test_provenance_is_read_off_the_source_prefix() -> None:
    def entry(source: str) -> Entry:
        return Entry("gaussian_x", "gaussian", "properties/x.py::t", source, "doc")

    assert entry("pytorch/pytorch#1 (a title)").provenance == "seen"
    assert entry("analogue: caffe#2 (the same slip elsewhere)").provenance == "analogue"
    assert entry("plausible: why").provenance == "plausible"
    assert entry("a plausible: prefix only counts at the start").provenance == "seen"


# The catalogue's floor per area: entries in all, and entries whose bug public code has shipped
# (provenance "seen"). The area issues ask for these; the catalogue may only grow past them.
FLOORS = {"gaussian": (12, 12), "gumbel": (15, 15), "flows": (12, 12), "autoencoders": (6, 0)}


@pytest.mark.parametrize("area", sorted(FLOORS))
def test_each_area_keeps_its_floor_of_entries_and_of_bugs_seen_in_public_code(area: str) -> None:
    mine = discover(area)
    least_entries, least_seen = FLOORS[area]
    seen = [e.name for e in mine if e.provenance == "seen"]
    assert len(mine) >= least_entries, f"{area}: {len(mine)} entries, the floor is {least_entries}"
    assert len(seen) >= least_seen, f"{area}: {len(seen)} entries seen in public code, the floor is {least_seen}"
    assert len(discover()) >= 50


def test_provenance_section_counts_each_kind_per_area() -> None:
    entries = [Entry("gaussian_a", "gaussian", "t", "owner/repo#1", "doc"),
               Entry("gaussian_b", "gaussian", "t", "plausible: why", "doc"),
               Entry("flows_c", "flows", "t", "analogue: x#2 | y", "doc")]
    text = format_provenance(entries)
    assert "| flows | 0 | 1 | 0 | 1 |" in text
    assert "| gaussian | 1 | 0 | 1 | 2 |" in text
    assert "| all | 1 | 1 | 1 | 3 |" in text
    assert "| `flows_c` | analogue | x#2 \\| y |" in text
