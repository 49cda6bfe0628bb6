"""Collection: areas, devices, slow checks, statistical designs, and checks to skip on a resumed run."""

from __future__ import annotations

from pathlib import Path

import pytest

from genspec import AREAS, TIERS
from genspec.features import FEATURES
from genspec.plugin import options
from genspec.plugin.state import run_state
from genspec.stats import design_from_marker

MARKERS: dict[str, str] = {
    "area(name)": "the spec area a check belongs to: " + ", ".join(AREAS),
    "statistical(statistic, n, alpha, detects)": "a statistical test and its declared design",
    "slow": "expensive; excluded unless --genspec-run-slow or the thorough profile",
    "gpu": "runs on a CUDA device",
    "tier(name)": "the verdict tier of a check that uses the implementation: law, numerics or validation",
    "feature(name)": "an optional feature of the contract (docs/spec-api.md) the check needs",
}


def register_markers(config: pytest.Config) -> None:
    for marker, text in MARKERS.items():
        config.addinivalue_line("markers", f"{marker}: {text}")


def item_tier(item: pytest.Item) -> str:
    """The verdict tier of a test item (its ``tier`` marker; ``law`` when it has none)."""
    marker = item.get_closest_marker("tier")
    return str(marker.args[0]) if marker is not None and marker.args else "law"


def item_features(item: pytest.Item) -> list[str]:
    """The optional features a test item needs (its ``feature`` markers)."""
    return [str(a) for m in item.iter_markers("feature") for a in m.args]


def uses_impl(item: pytest.Item) -> bool:
    return "impl" in getattr(item, "fixturenames", ())


def item_area(item: pytest.Item) -> str:
    """The spec area of a test item (its ``area`` marker; ``harness`` when it has none)."""
    marker = item.get_closest_marker("area")
    if marker is None or not marker.args:
        return "harness"
    return str(marker.args[0])


PROTOCOL_ARGUMENTS: dict[str, str] = {"flow_entry": "FLOWS", "sampler_entry": "SAMPLERS",
                                      "relaxed_entry": "RELAXED"}
"""A check's argument that runs it once per entry of the implementation's protocol registry."""


def _parametrize_protocol_entries(metafunc: pytest.Metafunc) -> None:
    """``flow_entry`` (``sampler_entry``, ``relaxed_entry``): one item per key of the implementation's
    ``FLOWS`` (``SAMPLERS``, ``RELAXED``). Without the registry, one item whose value is None: the check
    then asks ``impl.FLOWS`` and ends as not provided."""
    state = run_state(metafunc.config)
    for argument, registry in PROTOCOL_ARGUMENTS.items():
        if argument not in metafunc.fixturenames:
            continue
        entries = getattr(state.impl.module, registry, None) if state.impl is not None else None
        names = sorted(entries) if isinstance(entries, dict) and entries else [None]
        metafunc.parametrize(argument, names, ids=[n if n is not None else f"no-{registry}" for n in names])


def generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize protocol entries, and the ``device`` argument over the run's devices unless a
    fixture named ``device`` (the user's own, in a mixed run) provides it."""
    _parametrize_protocol_entries(metafunc)
    if "device" not in metafunc.fixturenames:
        return
    if "device" in getattr(metafunc, "_arg2fixturedefs", {}):
        return
    devices = run_state(metafunc.config).devices
    import torch

    params = [pytest.param(torch.device(d), id=d, marks=[pytest.mark.gpu] if d == "cuda" else [])
              for d in devices]
    metafunc.parametrize("device", params, scope="session")


def _skip_ids(config: pytest.Config) -> set[str]:
    path = options.get(config, "skip-file")
    if not path:
        return set()
    return {line.strip() for line in Path(path).read_text().splitlines() if line.strip()}


def modify_items(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep the wanted areas, drop slow checks unless asked, drop the ids of ``--genspec-skip-file``,
    and read every statistical test's declared design."""
    state = run_state(config)
    areas = options.get(config, "area")
    wanted = {a.strip() for a in areas.split(",") if a.strip()} if areas else None
    if wanted:
        unknown = wanted - set(AREAS)
        if unknown:
            raise pytest.UsageError(f"--genspec-area: unknown area(s) {sorted(unknown)}; known: {list(AREAS)}")
    run_slow = options.get(config, "run-slow") or state.profile == "thorough"
    skip = _skip_ids(config)
    only_tier = options.get(config, "select-tier")
    keep, drop = [], []
    for item in items:
        marker = item.get_closest_marker("area")
        if marker is not None and (not marker.args or marker.args[0] not in AREAS):
            raise pytest.UsageError(f"{item.nodeid}: area marker {marker.args!r} is not one of {AREAS}")
        if item_tier(item) not in TIERS:
            raise pytest.UsageError(f"{item.nodeid}: tier {item_tier(item)!r} is not one of {TIERS}")
        unknown = set(item_features(item)) - set(FEATURES)
        if unknown:
            raise pytest.UsageError(f"{item.nodeid}: unknown feature(s) {sorted(unknown)}; known: {sorted(FEATURES)}")
        if only_tier is not None and (not uses_impl(item) or item_tier(item) != only_tier):
            drop.append(item)
        elif wanted is not None and item_area(item) not in wanted:
            drop.append(item)
        elif item.get_closest_marker("slow") is not None and not run_slow:
            drop.append(item)
        elif item.nodeid in skip:
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
    for item in items:
        stat = item.get_closest_marker("statistical")
        if stat is not None:
            try:
                state.designs[item.nodeid] = design_from_marker(item.nodeid, stat.kwargs)
            except ValueError as exc:
                raise pytest.UsageError(str(exc)) from None
