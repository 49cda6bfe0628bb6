"""``genspec check`` against hostile implementations: every way a run can end has its exit status and
a report that says what happened (``genspec.runner``'s table of exit codes).

Each case runs the real command in a child process on a few checks of one area (``-- -k``), so that
the whole module takes about two minutes. Slow: ``.ci/run`` runs it with ``--run-slow``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CORRECT = '''
import torch
def kl_normal_std(mu, logvar):
    return 0.5 * (mu ** 2 + logvar.exp() - 1 - logvar).sum(-1)
'''

SELECT = ["--area", "gaussian", "--", "-k", "kl_normal_std_matches or kl_is_summed or kl_normal_std_gradient"]


def check(tmp_path: Path, impl_source: str | None, *args: str, timeout: float = 600) -> tuple[int, dict, str, float]:
    """Run ``genspec check`` in ``tmp_path`` on ``impl.py``; (exit, report.json or {}, output, seconds)."""
    if impl_source is not None:
        (tmp_path / "impl.py").write_text(textwrap.dedent(impl_source))
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "genspec", "check", "--impl", "impl", "--out", "rep", *args],
                          cwd=tmp_path, capture_output=True, text=True, timeout=timeout)
    seconds = time.perf_counter() - start
    report_path = tmp_path / "rep" / "report.json"
    report = json.loads(report_path.read_text()) if report_path.exists() else {}
    return proc.returncode, report, proc.stdout + proc.stderr, seconds


def test_a_correct_implementation_passes(tmp_path: Path) -> None:
    code, report, out, _ = check(tmp_path, CORRECT, *SELECT)
    assert code == 0, out[-3000:]
    assert report["status"] == "complete" and report["summary"]["gaussian"]["passed"] >= 2


def test_usage_errors_are_reported_at_once(tmp_path: Path) -> None:
    code, report, out, seconds = check(tmp_path, None)
    assert code == 2 and "cannot be found" in out and seconds < 3, (code, seconds, out)
    code, _, out, _ = check(tmp_path, CORRECT, "--bogus-option")
    assert code == 2, out
    code, _, out, _ = check(tmp_path, CORRECT, "--require", "not_a_name")
    assert code == 2 and "not in the contract" in out, out


def test_a_module_that_provides_nothing_is_not_judged(tmp_path: Path) -> None:
    code, report, out, _ = check(tmp_path, "def helper():\n    return 1\n", *SELECT)
    assert code == 3, out[-2000:]
    assert report["status"].startswith("not judged") and "provides none of the contract" in report["status"]


def test_a_module_that_raises_at_import_is_not_judged_and_the_report_has_the_traceback(tmp_path: Path) -> None:
    code, report, out, _ = check(tmp_path, "import torch\nraise RuntimeError('no GPU here')\n", *SELECT)
    assert code == 3, out[-2000:]
    assert "could not be imported" in report["status"] and any("no GPU here" in n for n in report["notes"])


def test_a_required_name_that_is_missing_fails_the_run(tmp_path: Path) -> None:
    code, report, out, _ = check(tmp_path, CORRECT, "--require", "kl_normal_std,log_normal", *SELECT)
    assert code == 1, out[-2000:]
    assert any(c["nodeid"] == "require::log_normal" and c["outcome"] == "failed" for c in report["checks"])


def test_an_implementation_that_exits_the_process_fails_that_check_and_the_rest_still_run(tmp_path: Path) -> None:
    source = CORRECT + '''
import os
_calls = []
def log_normal(x, mu, logvar):
    os._exit(0)
'''
    code, report, out, _ = check(tmp_path, source, "--area", "gaussian", "--", "-k",
                                 "kl_normal_std_matches or log_normal_matches or kl_is_summed")
    assert code == 1, out[-3000:]
    failed = [c for c in report["checks"] if c["outcome"] == "failed"]
    assert failed and all("ended the process" in c["message"] for c in failed), failed
    assert any(c["outcome"] == "passed" for c in report["checks"]), "the checks after the exit did not run"
    assert any("attempt" in n for n in report["notes"])


def test_a_hanging_check_fails_at_the_time_limit_and_the_run_goes_on(tmp_path: Path) -> None:
    source = CORRECT + '''
import time
def log_normal(x, mu, logvar):
    while True:
        time.sleep(0.05)
'''
    code, report, out, seconds = check(tmp_path, source, "--timeout", "3", "--area", "gaussian", "--", "-k",
                                       "kl_normal_std_matches or log_normal_matches_torch")
    assert code == 1, out[-3000:]
    hung = [c for c in report["checks"] if c["outcome"] == "failed"]
    assert hung and all("limit" in c["message"] for c in hung), hung
    assert seconds < 120


def test_a_check_stuck_where_the_limit_cannot_interrupt_it_is_killed_and_resumed(tmp_path: Path) -> None:
    source = CORRECT + '''
import signal, time
def log_normal(x, mu, logvar):
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    time.sleep(3600)
'''
    code, report, out, seconds = check(tmp_path, source, "--timeout", "2", "--area", "gaussian", "--", "-k",
                                       "kl_normal_std_matches or log_normal_matches_torch")
    assert code == 1, out[-3000:]
    assert any("no progress" in (c["message"] or "") for c in report["checks"]), report["checks"]
    assert any(c["outcome"] == "passed" for c in report["checks"])


def test_an_interrupted_run_exits_4_and_says_so(tmp_path: Path) -> None:
    source = CORRECT + '''
import time
def log_normal(x, mu, logvar):
    time.sleep(3600)
'''
    (tmp_path / "impl.py").write_text(textwrap.dedent(source))
    proc = subprocess.Popen([sys.executable, "-m", "genspec", "check", "--impl", "impl", "--out", "rep",
                             "--area", "gaussian", "--", "-k", "log_normal_matches_torch"], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 300
    events = tmp_path / "rep" / ".genspec-run" / "events-0.jsonl"
    while time.monotonic() < deadline and not (events.exists() and '"begin"' in events.read_text()):
        time.sleep(0.5)
    os.kill(proc.pid, signal.SIGINT)
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 4, out[-3000:]
    report = json.loads((tmp_path / "rep" / "report.json").read_text())
    assert report["status"].startswith("incomplete: interrupted")
    assert "INCOMPLETE" in (tmp_path / "rep" / "report.md").read_text()


def test_a_fully_broken_implementation_is_judged_about_as_fast_as_a_correct_one(tmp_path: Path) -> None:
    """Shrinking is off in check runs: every function raising costs no more than about twice a pass."""
    broken = '''
def kl_normal_std(mu, logvar):
    raise RuntimeError("broken")
def kl_normal(mu_q, logvar_q, mu_p, logvar_p):
    raise RuntimeError("broken")
'''
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    args = ("--area", "gaussian", "--", "-k", "kl_")
    good_code, _, _, good_s = check(tmp_path / "a", CORRECT + "\nkl_normal = None\n", *args)
    bad_code, report, out, bad_s = check(tmp_path / "b", broken, *args)
    assert bad_code == 1 and report["status"] == "complete", out[-2000:]
    assert bad_s < 2.5 * good_s + 10, f"broken: {bad_s:.1f} s, correct: {good_s:.1f} s"
