"""The genspec pytest plugin: the implementation under test, devices, seeds, profiles, reporting.

Installed as a ``pytest11`` entry point, so ``pytest --impl=MODULE`` works in any project where
genspec is installed. Options:

``--impl=MODULE``         the implementation under test (default ``reference``)
``--device=auto|cpu|cuda`` where tensor checks run (auto: CPU, plus CUDA when present)
``--spec-seed=N|random``  the seed of every torch generator and of Hypothesis (default 0)
``--spec-profile=dev|ci|thorough``  Hypothesis profile (default ``ci`` when CI is set, else ``dev``)
``--run-slow``            include ``slow`` tests (the thorough profile includes them too)
``--area=A[,B]``          only the checks of these spec areas
``--genspec-report=DIR``  write the conformance report (``report.json``, ``report.md``) to DIR
"""

from __future__ import annotations

import hashlib
import os
import platform
import secrets
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
import torch

from genspec import AREAS, checks
from genspec.contract import missing_names
from genspec.implementation import Implementation, NotProvided
from genspec.stats import SUITE_ALPHA, Design, design_from_marker, total_alpha

_STATE = pytest.StashKey["_State"]()

MARKERS = {
    "area(name)": "the spec area a check belongs to: " + ", ".join(AREAS),
    "statistical(statistic, n, alpha, detects)": "a statistical test and its declared design",
    "slow": "expensive; excluded unless --run-slow or --spec-profile=thorough",
    "gpu": "runs on a CUDA device",
}

PROFILES = ("dev", "ci", "thorough")


class _State:
    def __init__(self) -> None:
        self.impl: Implementation | None = None
        self.seed: int = 0
        self.seed_was_random = False
        self.profile = "dev"
        self.devices: list[str] = ["cpu"]
        self.results: dict[str, dict[str, Any]] = {}
        self.designs: dict[str, Design] = {}
        self.started = time.time()
        self.previous_profile = "default"


def derive_seed(spec_seed: int, key: str) -> int:
    """A 63-bit seed for ``key`` (a test id, say) derived from the run's seed."""
    digest = hashlib.sha256(f"{spec_seed}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "little") >> 1


# ------------------------------------------------------------------ options and configuration


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("genspec", "genspec specification suite")
    group.addoption("--impl", default="reference", help="module implementing spec-api.md (default: reference)")
    group.addoption("--device", default="auto", choices=("auto", "cpu", "cuda"),
                    help="device for tensor checks: auto = CPU plus CUDA when available")
    group.addoption("--spec-seed", default="0",
                    help="seed for every torch generator and for Hypothesis: an integer or 'random'")
    group.addoption("--spec-profile", default=None, choices=PROFILES,
                    help="Hypothesis profile: dev (default), ci (default when CI is set), thorough")
    group.addoption("--run-slow", action="store_true", help="include tests marked slow")
    group.addoption("--area", default=None, help="comma-separated spec areas to run (default: all)")
    group.addoption("--genspec-report", default=None, metavar="DIR",
                    help="write the conformance report (report.json, report.md) to DIR")


def _register_profiles() -> None:
    from hypothesis import HealthCheck, settings

    common: dict[str, Any] = dict(deadline=None, database=None, print_blob=True)
    settings.register_profile("genspec-dev", max_examples=25, derandomize=True, **common)
    settings.register_profile(
        "genspec-ci", parent=settings.get_profile("ci"), max_examples=30, derandomize=True,
        suppress_health_check=[HealthCheck.too_slow], **common,
    )
    settings.register_profile(
        "genspec-thorough", max_examples=1000, derandomize=False,
        suppress_health_check=[HealthCheck.too_slow], **common,
    )


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    for marker, text in MARKERS.items():
        config.addinivalue_line("markers", f"{marker}: {text}")
    state = _State()
    config.stash[_STATE] = state

    in_ci = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
    profile = config.getoption("--spec-profile") or ("ci" if in_ci else "dev")
    state.profile = profile
    raw_seed = str(config.getoption("--spec-seed"))
    if raw_seed == "random" or (profile == "thorough" and raw_seed == "0" and not _seed_given(config)):
        state.seed = secrets.randbits(31) or 1
        state.seed_was_random = True
    else:
        try:
            state.seed = int(raw_seed)
        except ValueError:
            raise pytest.UsageError(f"--spec-seed={raw_seed!r} is neither an integer nor 'random'") from None
        if state.seed < 0:
            raise pytest.UsageError(f"--spec-seed={state.seed} must be non-negative")

    from hypothesis import settings

    state.previous_profile = settings.get_current_profile_name()
    _register_profiles()
    base = settings.get_profile(f"genspec-{profile}")
    if state.seed != 0:
        # A non-default seed randomizes Hypothesis with that seed; seed 0 is the derandomized run.
        settings.register_profile(f"genspec-{profile}-seeded", parent=base, derandomize=False)
        settings.load_profile(f"genspec-{profile}-seeded")
        config.option.hypothesis_seed = str(state.seed)
    else:
        # Seed 0 is the derandomized run under every profile (thorough included, when asked for).
        settings.register_profile(f"genspec-{profile}-seed0", parent=base, derandomize=True)
        settings.load_profile(f"genspec-{profile}-seed0")

    device = config.getoption("--device")
    if device == "cuda" and not torch.cuda.is_available():
        raise pytest.UsageError("--device=cuda but torch.cuda.is_available() is False")
    if device == "auto":
        state.devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    else:
        state.devices = [device]

    config.pluginmanager.register(_Recorder(state), "genspec-recorder")
    # Like `python -m`, let --impl name a module in the directory pytest was started from.
    invocation_dir = str(config.invocation_params.dir)
    if invocation_dir not in sys.path:
        sys.path.append(invocation_dir)
    try:
        state.impl = Implementation(config.getoption("--impl"))
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from None


def pytest_unconfigure(config: pytest.Config) -> None:
    """Restore the Hypothesis profile that was current before this run (pytest may run in-process)."""
    from hypothesis import settings

    state = config.stash.get(_STATE, None)
    if state is not None:
        settings.load_profile(state.previous_profile)


def _seed_given(config: pytest.Config) -> bool:
    return any(str(a).startswith("--spec-seed") for a in config.invocation_params.args)


def pytest_report_header(config: pytest.Config) -> list[str]:
    import hypothesis
    import scipy

    state = config.stash[_STATE]
    assert state.impl is not None
    mod_file = getattr(state.impl.module, "__file__", None)
    seed_note = " (drawn at random)" if state.seed_was_random else ""
    return [
        f"genspec: implementation {state.impl.name} ({mod_file})",
        f"genspec: torch {torch.__version__}, hypothesis {hypothesis.__version__}, "
        f"scipy {scipy.__version__}, python {platform.python_version()}",
        f"genspec: device {','.join(state.devices)}, profile {state.profile}, "
        f"spec-seed {state.seed}{seed_note} -- reproduce with --spec-seed={state.seed} "
        f"--spec-profile={state.profile}",
    ]


# ------------------------------------------------------------------ collection


def item_area(item: pytest.Item) -> str:
    """The spec area of a test item (its ``area`` marker; ``harness`` when it has none)."""
    marker = item.get_closest_marker("area")
    if marker is None or not marker.args:
        return "harness"
    return str(marker.args[0])


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "device" in metafunc.fixturenames:
        devices = metafunc.config.stash[_STATE].devices
        params = [pytest.param(torch.device(d), id=d, marks=[pytest.mark.gpu] if d == "cuda" else [])
                  for d in devices]
        metafunc.parametrize("device", params, scope="session")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    state = config.stash[_STATE]
    areas = config.getoption("--area")
    wanted = {a.strip() for a in areas.split(",")} if areas else None
    if wanted:
        unknown = wanted - set(AREAS)
        if unknown:
            raise pytest.UsageError(f"--area: unknown area(s) {sorted(unknown)}; known: {list(AREAS)}")
    run_slow = config.getoption("--run-slow") or state.profile == "thorough"
    keep, drop = [], []
    for item in items:
        marker = item.get_closest_marker("area")
        if marker is not None and (not marker.args or marker.args[0] not in AREAS):
            raise pytest.UsageError(f"{item.nodeid}: area marker {marker.args!r} is not one of {AREAS}")
        if wanted is not None and item_area(item) not in wanted:
            drop.append(item)
        elif item.get_closest_marker("slow") is not None and not run_slow:
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


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="session")
def impl(request: pytest.FixtureRequest) -> Implementation:
    """The implementation under test; ``impl.NAME`` of a missing NAME ends the test as not provided."""
    state = request.config.stash[_STATE]
    assert state.impl is not None
    return state.impl


@pytest.fixture(scope="session")
def spec_seed(request: pytest.FixtureRequest) -> int:
    """The run's seed (``--spec-seed``)."""
    return request.config.stash[_STATE].seed


@pytest.fixture
def make_generator(request: pytest.FixtureRequest, spec_seed: int) -> Callable[..., torch.Generator]:
    """A factory of generators seeded from the run's seed, the test id and an offset."""

    def make(seed_offset: int = 0, device: torch.device | str = "cpu") -> torch.Generator:
        seed = derive_seed(spec_seed, f"{request.node.nodeid}#{seed_offset}")
        checks.record(generator_seed=seed, seed_offset=seed_offset)
        return torch.Generator(device=device).manual_seed(seed)

    return make


@pytest.fixture
def generator(make_generator: Callable[..., torch.Generator]) -> torch.Generator:
    """A CPU generator seeded from ``--spec-seed`` and the test id."""
    return make_generator(0)


@pytest.fixture(autouse=True)
def _genspec_test_setup(request: pytest.FixtureRequest, spec_seed: int) -> Iterator[None]:
    """Seed the global torch RNG per test (so module initialisation is deterministic) and start
    a fresh evidence list."""
    checks.reset_evidence()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(derive_seed(spec_seed, request.node.nodeid + "#global"))
        yield


# ------------------------------------------------------------------ outcomes and reporting


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    report.genspec_area = item_area(item)  # type: ignore[attr-defined]
    report.genspec_uses_impl = "impl" in getattr(item, "fixturenames", ())  # type: ignore[attr-defined]
    missing = None
    if call.excinfo is not None and call.excinfo.errisinstance(NotProvided):
        missing = call.excinfo.value.name  # type: ignore[union-attr]
    report.genspec_not_provided = missing  # type: ignore[attr-defined]
    if call.when == "call":
        report.user_properties.append(("genspec_evidence", list(checks.current_evidence())))
    return report


def _outcome(report: pytest.TestReport) -> str:
    if report.failed:
        return "failed"
    if report.skipped:
        return "not_provided" if getattr(report, "genspec_not_provided", None) else "skipped"
    return "passed"


class _Recorder:
    """Collects each test's outcome and evidence for one pytest run (registered per config, so
    that a pytest run inside a test keeps its own results)."""

    def __init__(self, state: _State) -> None:
        self.state = state

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        state = self.state
        entry = state.results.setdefault(report.nodeid, {
            "nodeid": report.nodeid, "area": getattr(report, "genspec_area", "harness"),
            "uses_impl": getattr(report, "genspec_uses_impl", False),
            "outcome": "passed", "duration_s": 0.0, "evidence": [], "missing": None, "message": None,
        })
        entry["duration_s"] += report.duration
        outcome = _outcome(report)
        if outcome == "failed" or (outcome != "passed" and entry["outcome"] == "passed"):
            entry["outcome"] = outcome
        if outcome == "not_provided":
            entry["missing"] = report.genspec_not_provided  # type: ignore[attr-defined]
        if outcome == "skipped" and isinstance(report.longrepr, tuple):
            entry["message"] = str(report.longrepr[2])
        if outcome == "failed" and report.longreprtext:
            entry["message"] = report.longreprtext.strip().splitlines()[-1][:500]
        for key, value in report.user_properties:
            if key == "genspec_evidence":
                entry["evidence"].extend(value)
        design = state.designs.get(report.nodeid)
        if design is not None:
            entry["design"] = {"statistic": design.statistic, "n": design.n, "alpha": design.alpha,
                               "detects": design.detects}


SUITE_ROW = "suite-internal"
"""The summary row of checks that do not use ``impl`` (errata, harness, model smoke tests): they
test the suite and the seeds, not the implementation, so they are kept out of the areas' counts."""


def summarize(results: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per area: counts of passed / failed / not provided / skipped and the missing names.

    Only checks that use the ``impl`` fixture count towards an area; the others form one row,
    ``suite-internal``.
    """
    table: dict[str, dict[str, Any]] = {}
    for entry in results.values():
        key = entry["area"] if entry.get("uses_impl", True) else SUITE_ROW
        row = table.setdefault(key, {"passed": 0, "failed": 0, "not_provided": 0,
                                               "skipped": 0, "missing": set()})
        row[entry["outcome"]] += 1
        if entry["missing"]:
            row["missing"].add(entry["missing"])
    order = {a: i for i, a in enumerate(AREAS)}
    return {a: table[a] for a in sorted(table, key=lambda a: order.get(a, len(order)))}


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    state = config.stash[_STATE]
    if not state.results:
        return
    tr = terminalreporter
    tr.write_sep("=", f"genspec conformance: {state.impl.name if state.impl else '?'}")
    tr.write_line(f"{'area':<14}{'passed':>8}{'failed':>8}{'not provided':>14}{'skipped':>9}")
    for area, row in summarize(state.results).items():
        tr.write_line(f"{area:<14}{row['passed']:>8}{row['failed']:>8}{row['not_provided']:>14}{row['skipped']:>9}")
    for area, row in summarize(state.results).items():
        if row["missing"]:
            tr.write_line(f"not provided in {area}: {', '.join(sorted(row['missing']))}")
    if state.designs:
        tr.write_line(f"statistical tests collected: {len(state.designs)}, total alpha "
                      f"{total_alpha(list(state.designs.values())):.2e} (suite budget {SUITE_ALPHA:.0e})")
    tr.write_line(f"spec-seed {state.seed}, profile {state.profile}: reproduce with "
                  f"--spec-seed={state.seed} --spec-profile={state.profile}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    out = config.getoption("--genspec-report")
    if not out:
        return
    from genspec.report import write_report

    state = config.stash[_STATE]
    write_report(
        Path(out),
        implementation=state.impl.name if state.impl else "?",
        seed=state.seed,
        profile=state.profile,
        devices=state.devices,
        results=state.results,
        summary=summarize(state.results),
        exitstatus=int(exitstatus),
        elapsed_s=time.time() - state.started,
        contract_missing=missing_names(state.impl.module) if state.impl else {},
    )
