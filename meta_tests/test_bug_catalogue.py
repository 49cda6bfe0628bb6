"""Tests of the bug catalogue's entries and of its runner's bookkeeping (not of the kills: those are
``genspec bugs``' job, which ``.ci/run`` runs)."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest

import bugs
import reference
from genspec import AREAS
from genspec.bugs import Entry, Outcome, discover, format_table

ROOT = Path(__file__).resolve().parents[1]
ENTRIES = sorted(m.name for m in pkgutil.iter_modules(bugs.__path__) if not m.name.startswith("_"))


def _reference_snapshot() -> dict[str, object]:
    return {name: getattr(reference, name) for name in dir(reference) if not name.startswith("_")}


@pytest.mark.parametrize("name", ENTRIES)
def test_entry_is_well_formed_and_differs_from_reference(name: str) -> None:
    before = _reference_snapshot()
    module = importlib.import_module(f"bugs.{name}")
    assert _reference_snapshot() == before, f"importing bugs.{name} changed the reference module"
    assert module.AREA in AREAS, f"bugs.{name}: AREA={module.AREA!r} not in {AREAS}"
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
    assert "| `gaussian_x` | gaussian | killed | `properties/x.py::t` |" in table
    assert "1 of 2 entries killed." in table
