"""The genspec pytest plugin: the implementation under test, devices, seeds, profiles, reporting.

It loads only in runs that ask for it: genspec's own checkout (its root ``conftest.py``),
``genspec check`` (which runs the suite in a child process with its own settings), or an explicit
``pytest -p genspec.plugin``. genspec installs no ``pytest11`` entry point, so a pytest run in a
project where genspec is merely installed is exactly as without it.

Its options are namespaced (``--genspec-impl``, ``--genspec-device``, ``--genspec-seed``,
``--genspec-profile``, ``--genspec-run-slow``, ``--genspec-area``, ``--genspec-report``,
``--genspec-timeout``, ``--genspec-shrink``); the checkout adds its short aliases (``--impl``,
``--device``, ``--spec-seed``, ``--spec-profile``, ``--run-slow``, ``--area``).

| module | concern |
|---|---|
| ``options`` | the options and the checkout's aliases |
| ``state`` | the run's state and its public accessor :func:`run_state` |
| ``profiles`` | genspec's Hypothesis profiles |
| ``collection`` | markers, areas, devices, slow checks, statistical designs |
| ``fixtures`` | ``impl``, ``spec_seed``, ``make_generator``, ``generator`` |
| ``recording`` | outcomes, evidence, the per-check time limit, the event stream |
| ``summary`` | the per-area table and the report |
| ``events`` | the event stream ``genspec check`` reads |
"""

from __future__ import annotations

import platform
from typing import Any

import pytest

from genspec.plugin import collection, options, summary
from genspec.events import Events
from genspec.plugin.fixtures import _genspec_check_setup, generator, impl, make_generator, spec_seed
from genspec.plugin.recording import (
    CheckTimeout,
    Recorder,
    pytest_report_teststatus,
    pytest_runtest_call,
    pytest_runtest_makereport,
    pytest_runtest_setup,
)
from genspec.plugin.state import NOTHING_PROVIDED, RunState, configure, derive_seed, find_state, run_state
from genspec.report import SUITE_ROW, summarize

__all__ = [
    "CheckTimeout", "RunState", "SUITE_ROW", "_genspec_check_setup", "derive_seed", "generator", "impl",
    "make_generator", "pytest_report_teststatus", "pytest_runtest_call", "pytest_runtest_makereport",
    "pytest_runtest_setup",
    "run_state", "spec_seed", "summarize",
]


def pytest_addoption(parser: pytest.Parser) -> None:
    options.add_options(parser)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    collection.register_markers(config)
    path = options.get(config, "events")
    events = Events(path) if path else None
    try:
        state = configure(config)
    except pytest.UsageError as exc:
        if events is not None:
            state = find_state(config)
            nothing = state is not None and state.impl_error == NOTHING_PROVIDED
            events.emit("error", message=str(exc), kind="nothing_provided" if nothing else "impl")
            events.close()
        raise
    config.pluginmanager.register(Recorder(state, events), "genspec-recorder")


def pytest_unconfigure(config: pytest.Config) -> None:
    from genspec.plugin import profiles

    state = find_state(config)
    if state is not None:
        profiles.restore(state.previous_profile)


def pytest_report_header(config: pytest.Config) -> list[str]:
    import hypothesis
    import scipy
    import torch

    state = run_state(config)
    assert state.impl is not None
    mod_file = getattr(state.impl.module, "__file__", None)
    seed_note = " (drawn at random)" if state.seed_was_random else ""
    return [
        f"genspec: implementation {state.impl.name} ({mod_file})",
        f"genspec: torch {torch.__version__}, hypothesis {hypothesis.__version__}, "
        f"scipy {scipy.__version__}, python {platform.python_version()}",
        f"genspec: device {','.join(state.devices)}, profile {state.profile}, "
        f"spec-seed {state.seed}{seed_note} -- reproduce with --genspec-seed={state.seed} "
        f"--genspec-profile={state.profile}",
    ]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    collection.generate_tests(metafunc)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    collection.modify_items(config, items)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    summary.terminal_summary(terminalreporter, config)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    summary.write_report_at_finish(session, exitstatus)
