"""Tests of the plugin's recording: the per-check time limit, resumed runs' skip file, the event stream.

Each runs a small pytest session in a temporary folder with ``-p genspec.plugin``.
"""

from __future__ import annotations


import pytest

from meta_tests.plugin_runs import run, setup_half_impl as _setup

SLOW_CHECKS = '''
import time
from hypothesis import given, strategies as st

def test_hangs():
    while True:
        time.sleep(0.05)

def test_swallows_exceptions():
    try:
        time.sleep(30)
    except Exception:
        pass

@given(st.integers())
def test_hangs_under_hypothesis(k):
    time.sleep(30)

def test_quick():
    pass
'''


@pytest.mark.slow
def test_a_check_past_the_time_limit_fails_and_the_run_goes_on(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_slow_checks=SLOW_CHECKS)
    result = run(pytester, "--genspec-timeout=0.5")
    result.assert_outcomes(failed=3, passed=1)
    assert result.stdout.str().count("CheckTimeout") >= 3


def test_skip_file_deselects_the_listed_checks(pytester: pytest.Pytester) -> None:
    _setup(pytester)
    skip = pytester.path / "skip.txt"
    skip.write_text("test_checks.py::test_present_but_wrong\ntest_checks.py::test_absent\n")
    run(pytester, "--genspec-impl=halfimpl", f"--genspec-skip-file={skip}").assert_outcomes(
        passed=1, skipped=1, deselected=2)


def test_event_stream_records_start_each_check_and_finish(pytester: pytest.Pytester) -> None:
    from genspec.events import read

    _setup(pytester)
    path = pytester.path / "events.jsonl"
    run(pytester, "--genspec-impl=halfimpl", f"--genspec-events={path}")
    events = read(path)
    kinds = [e["event"] for e in events]
    assert kinds[0] == "start" and kinds[-1] == "finish"
    assert kinds.count("begin") == kinds.count("result") == 4
    assert len(events[0]["collected"]) == 4 and events[0]["contract_missing"]["gaussian"]
    assert events[-1]["exitstatus"] == 1


def test_event_stream_reports_an_implementation_that_cannot_be_loaded(pytester: pytest.Pytester) -> None:
    from genspec.events import read

    pytester.makepyfile(emptyimpl="x = 1\n", test_x="def test_x(impl):\n    pass\n")
    pytester.syspathinsert()
    path = pytester.path / "events.jsonl"
    run(pytester, "--genspec-impl=emptyimpl", f"--genspec-events={path}")
    (event,) = read(path)
    assert event["event"] == "error" and event["kind"] == "nothing_provided"
