"""Outcomes and evidence of each check, the per-check time limit, and the event stream.

Each check's entry (area, whether it uses the implementation, outcome, duration, evidence, the
missing name of a *not provided* check, the failure's last line) is kept in the run state for the
summary and the report, and written to the event stream when ``--genspec-events`` is given.
"""

from __future__ import annotations

import signal
import threading
from typing import Any, Iterator

import pytest

from genspec import checks
from genspec.implementation import NotProvided
from genspec.plugin import options
from genspec.plugin.collection import item_area, item_features, item_tier, uses_impl
from genspec.events import Events
from genspec.plugin.state import RunState, contract_missing, run_state


class CheckTimeout(BaseException):
    """A check ran past ``--genspec-timeout``. A BaseException, so that neither the implementation's
    ``except Exception`` nor Hypothesis' replay of failures swallows it: the check fails at once."""


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    limit = float(options.get(item.config, "timeout") or 0.0)
    usable = limit > 0 and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        return (yield)

    def expire(signum: int, frame: Any) -> None:
        raise CheckTimeout(f"the check ran longer than the per-check limit of {limit:g} s (--genspec-timeout)")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        return (yield)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """A check that needs an optional feature the implementation lacks ends as not provided."""
    if not uses_impl(item):
        return
    state = run_state(item.config)
    for feature in item_features(item):
        if not state.features.get(feature, True):
            raise NotProvided(f"feature {feature}", state.impl.name if state.impl else "?")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[Any]:
    report = yield
    report.genspec_area = item_area(item)
    report.genspec_uses_impl = uses_impl(item)
    report.genspec_tier = item_tier(item) if report.genspec_uses_impl else None
    missing = None
    if call.excinfo is not None and call.excinfo.errisinstance(NotProvided):
        missing = call.excinfo.value.name  # type: ignore[union-attr]
    report.genspec_not_provided = missing
    if call.when == "call":
        report.user_properties.append(("genspec_evidence", list(checks.current_evidence())))
    gated = run_state(item.config).gated
    if report.failed and report.genspec_uses_impl and report.genspec_tier not in gated:
        # A failure in a tier that does not gate this run: reported (terminal, report), not failing.
        last = failure_message(report)[:300]
        report.genspec_ungated = True
        report.genspec_message = last
        report.outcome = "skipped"
        report.wasxfail = f"{report.genspec_tier} tier, not gated (--genspec-tiers): {last}"
    return report


def failure_message(report: pytest.TestReport) -> str:
    """The failure in one line: the exception's own message (pytest's crash line), else the last line."""
    crash = getattr(getattr(report, "longrepr", None), "reprcrash", None)
    message = getattr(crash, "message", None)
    if message:
        return " ".join(str(message).split())
    text = report.longreprtext.strip() if report.longreprtext else ""
    return text.splitlines()[-1] if text else ""


def pytest_report_teststatus(report: pytest.TestReport, config: pytest.Config) -> tuple[str, str, str] | None:
    if getattr(report, "genspec_ungated", False):
        return "failed (not gated)", "v", "FAILED (NOT GATED)"
    return None


def outcome_of(report: pytest.TestReport) -> str:
    """passed, failed, not_provided or skipped."""
    if report.failed or getattr(report, "genspec_ungated", False):
        return "failed"
    if report.skipped:
        return "not_provided" if getattr(report, "genspec_not_provided", None) else "skipped"
    return "passed"


def new_entry(nodeid: str, area: str, uses: bool, tier: str | None, gated: bool) -> dict[str, Any]:
    return {"nodeid": nodeid, "area": area, "uses_impl": uses, "tier": tier, "gated": gated, "outcome": "passed",
            "duration_s": 0.0, "evidence": [], "missing": None, "message": None}


class Recorder:
    """Collects each check's outcome and evidence for one pytest run (registered per config, so that
    a pytest run inside a test keeps its own results), and writes the event stream."""

    def __init__(self, state: RunState, events: Events | None) -> None:
        self.state = state
        self.events = events

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        if self.events is None:
            return
        import hypothesis
        import scipy
        import torch

        state = self.state
        self.events.emit(
            "start", implementation=state.impl.name if state.impl else "?",
            torch=torch.__version__, hypothesis=hypothesis.__version__, scipy=scipy.__version__,
            seed=state.seed, profile=state.profile, devices=state.devices,
            contract_missing=contract_missing(state),
            gated=list(state.gated), features=state.features,
            collected=[{"nodeid": i.nodeid, "area": item_area(i), "uses_impl": uses_impl(i),
                        "tier": item_tier(i) if uses_impl(i) else None} for i in session.items],
        )

    def pytest_runtest_logstart(self, nodeid: str, location: Any) -> None:
        if self.events is not None:
            self.events.emit("begin", nodeid=nodeid)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        state = self.state
        tier = getattr(report, "genspec_tier", None)
        entry = state.results.setdefault(report.nodeid, new_entry(
            report.nodeid, getattr(report, "genspec_area", "harness"), getattr(report, "genspec_uses_impl", False),
            tier, tier is None or tier in state.gated))
        entry["duration_s"] += report.duration
        outcome = outcome_of(report)
        if outcome == "failed" or (outcome != "passed" and entry["outcome"] == "passed"):
            entry["outcome"] = outcome
        if outcome == "not_provided":
            entry["missing"] = report.genspec_not_provided  # type: ignore[attr-defined]
        if outcome == "skipped" and isinstance(report.longrepr, tuple):
            entry["message"] = str(report.longrepr[2])
        if outcome == "failed" and getattr(report, "genspec_ungated", False):
            entry["message"] = report.genspec_message  # type: ignore[attr-defined]
        elif outcome == "failed":
            entry["message"] = failure_message(report)[:500]
        for key, value in report.user_properties:
            if key == "genspec_evidence":
                entry["evidence"].extend(value)
        design = state.designs.get(report.nodeid)
        if design is not None:
            entry["design"] = {"statistic": design.statistic, "n": design.n, "alpha": design.alpha,
                               "detects": design.detects}

    def pytest_runtest_logfinish(self, nodeid: str, location: Any) -> None:
        if self.events is not None and nodeid in self.state.results:
            self.events.emit("result", entry=self.state.results[nodeid])

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if self.events is not None:
            self.events.emit("finish", exitstatus=int(exitstatus),
                             interrupted=bool(session.shouldstop) or int(exitstatus) == 2)
            self.events.close()
