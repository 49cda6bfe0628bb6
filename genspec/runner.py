"""``genspec check``: the specification run against an implementation, with a verdict a CI can trust.

The suite runs in a child process (``python -m pytest`` with genspec's own settings, see
``genspec.suite``) that streams its events to a file; this parent process supervises it and writes
the report itself, so that every way a run can end is reported:

- the implementation cannot be found: exit 2 at once, before torch is imported;
- it raises while being imported, or provides none of the contract: exit 3, the report says why;
- a check hangs: the per-check limit (``--timeout``) fails that check inside the child; a check stuck
  where the limit cannot interrupt it is killed by the watchdog here;
- the implementation ends the process (``os._exit``, a crash, a signal): the check that was running
  fails with the reason, and the remaining checks run in a new child (at most ``--max-restarts``);
- the run is interrupted (Ctrl-C, SIGTERM): exit 4, and the report says it is incomplete.

Exit status: 0 every check the implementation provides passed; 1 a check failed (or a name that
``--require`` asks for is missing); 2 usage error; 3 the implementation could not be judged;
4 the run did not complete.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from genspec import AREAS, TIERS
from genspec.contract import PROTOCOLS, all_names
from genspec.implementation import is_path, locate
from genspec.events import read as read_events
from genspec.report import table_lines
from genspec.suite import SPEC_AREAS, child_environment, pytest_args

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_NOT_JUDGED, EXIT_INCOMPLETE = 0, 1, 2, 3, 4

EXIT_CODES: dict[int, str] = {
    EXIT_OK: "every check the implementation provides passed in the gated tiers (law and numerics; all with --strict)",
    EXIT_FAILED: "a check in a gated tier failed (or a name --require asks for is not provided)",
    EXIT_USAGE: "usage error: unknown option, bad value, --impl not found, --out not writable",
    EXIT_NOT_JUDGED: "the implementation could not be judged: it raised while being imported, "
                     "or it provides none of the contract",
    EXIT_INCOMPLETE: "the run did not complete: interrupted, or the implementation ended the process too often",
}

COLLECTION_ALLOWANCE_S = 600.0
"""How long the watchdog lets a child import the implementation and collect before its first event."""


class UsageError(Exception):
    """A bad option value; ``genspec check`` exits 2 with the message."""


@dataclass
class CheckOptions:
    """The options of one ``genspec check`` run (the command line's, validated)."""

    impl: str = "reference"
    out: Path = Path("genspec-report")
    areas: tuple[str, ...] = SPEC_AREAS
    device: str | None = None
    seed: str = "0"
    profile: str | None = None
    run_slow: bool = False
    require: tuple[str, ...] = ()
    junit_xml: Path | None = None
    timeout: float = 300.0
    shrink: bool = False
    max_restarts: int = 5
    tiers: str = "auto"
    strict: bool = False
    pytest_args: list[str] = field(default_factory=list)


def validate(opts: CheckOptions) -> CheckOptions:
    """Check every option without importing anything heavy; raise :class:`UsageError`."""
    problem = locate(opts.impl)
    if problem:
        raise UsageError(problem)
    unknown = set(opts.areas) - set(AREAS)
    if unknown or not opts.areas:
        raise UsageError(f"--area: unknown area(s) {sorted(unknown)}; known: {', '.join(AREAS)}")
    known = set(all_names()) | set(PROTOCOLS)
    bad = [n for n in opts.require if n not in known and n != "all"]
    if bad:
        raise UsageError(f"--require: {', '.join(bad)} not in the contract (docs/spec-api.md); "
                         f"give contract names or 'all'")
    if opts.seed != "random":
        try:
            if int(opts.seed) < 0:
                raise ValueError
        except ValueError:
            raise UsageError(f"--seed={opts.seed!r} must be a non-negative integer or 'random'") from None
    tiers = [t.strip() for t in opts.tiers.split(",") if t.strip()]
    if opts.tiers not in ("auto", "all") and (not tiers or set(tiers) - set(TIERS)):
        raise UsageError(f"--tiers={opts.tiers!r}: give 'auto', 'all' or a comma list of {', '.join(TIERS)}")
    if opts.timeout < 0:
        raise UsageError(f"--timeout={opts.timeout} must be >= 0 (0: no limit)")
    if opts.max_restarts < 0:
        raise UsageError(f"--max-restarts={opts.max_restarts} must be >= 0")
    for what, path in (("--out", opts.out), ("--junit-xml", opts.junit_xml.parent if opts.junit_xml else None)):
        if path is None:
            continue
        try:
            path.mkdir(parents=True, exist_ok=True)
            probe = path / ".genspec-write-probe"
            probe.write_text("")
            probe.unlink()
        except OSError as exc:
            raise UsageError(f"{what}={path}: not a writable folder ({exc.strerror or exc})") from None
    return opts


@dataclass
class Attempt:
    """One child process: how it ended and what it reported."""

    returncode: int
    events: list[dict[str, Any]]
    hung: bool = False
    interrupted: bool = False

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e.get("event") == kind]

    @property
    def finished(self) -> bool:
        return bool(self.of("finish"))

    def running_check(self) -> str | None:
        """The check that had begun and not reported when the process ended."""
        done = {e["entry"]["nodeid"] for e in self.of("result")}
        begun = [e["nodeid"] for e in self.of("begin") if e["nodeid"] not in done]
        return begun[-1] if begun else None


def _describe_end(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"signal {signal.Signals(-returncode).name}"
        except ValueError:
            return f"signal {-returncode}"
    return f"exit code {returncode}"


def _supervise(proc: subprocess.Popen[bytes], events_path: Path, hang_limit: float) -> tuple[int, bool, bool]:
    """Wait for the child; kill it when it makes no progress for ``hang_limit`` s (0: never); on SIGINT or
    SIGTERM interrupt it (its process group) and wait for it. Returns (returncode, hung, interrupted)."""
    last_size, last_progress, started = -1, time.monotonic(), False
    hung = interrupted = False
    requests: list[int] = []  # SIGINT/SIGTERM received: a flag, not an exception that could land anywhere
    previous = {sig: signal.signal(sig, lambda signum, _frame: requests.append(signum))
                for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        while True:
            if requests and not interrupted:
                interrupted = True
                _stop(proc, graceful=True)
            try:
                code = proc.wait(timeout=1.0)
                return code, hung, interrupted
            except subprocess.TimeoutExpired:
                pass
            if not hung and _no_progress(events_path, hang_limit, progress := [last_size, last_progress, started]):
                hung = True
                _stop(proc, graceful=False)
            last_size, last_progress, started = progress
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _no_progress(events_path: Path, hang_limit: float, progress: list) -> bool:
    """Whether the child has written no event for longer than its limit; updates ``progress``
    (``[last_size, last_progress, started]``) in place."""
    last_size, last_progress, started = progress
    size = events_path.stat().st_size if events_path.exists() else 0
    if size != last_size:
        last_size, last_progress = size, time.monotonic()
        started = started or size > 0
    progress[:] = [last_size, last_progress, started]
    limit = hang_limit if started else max(hang_limit, COLLECTION_ALLOWANCE_S)
    return hang_limit > 0 and time.monotonic() - last_progress > limit


def _stop(proc: subprocess.Popen[bytes], *, graceful: bool) -> None:
    """Interrupt the child's process group (SIGINT, then SIGKILL after 15 s), or kill it at once."""
    try:
        pgid = os.getpgid(proc.pid)
    except (ProcessLookupError, OSError):
        return
    try:
        if graceful:
            os.killpg(pgid, signal.SIGINT)
            try:
                proc.wait(timeout=15)
                return
            except subprocess.TimeoutExpired:
                pass
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _child_args(opts: CheckOptions, impl: str, events: Path, skip: Path | None) -> list[str]:
    extra = [
        f"--genspec-events={events}",
        f"--genspec-timeout={opts.timeout:g}",
        f"--genspec-shrink={'on' if opts.shrink else 'off'}",
        f"--genspec-seed={opts.seed}",
        f"--genspec-tiers={'all' if opts.strict else opts.tiers}",
        "-q", "-p", "no:cacheprovider",
    ]
    if opts.device:
        extra.append(f"--genspec-device={opts.device}")
    if opts.profile:
        extra.append(f"--genspec-profile={opts.profile}")
    if opts.run_slow:
        extra.append("--genspec-run-slow")
    if skip is not None:
        extra.append(f"--genspec-skip-file={skip}")
    return [sys.executable, "-m", "pytest", *pytest_args(impl, areas=opts.areas, extra=extra + opts.pytest_args)]


def _failed_entry(nodeid: str, area: str, message: str) -> dict[str, Any]:
    return {"nodeid": nodeid, "area": area, "uses_impl": True, "outcome": "failed", "duration_s": 0.0,
            "evidence": [], "missing": None, "message": message}


def run(opts: CheckOptions) -> int:
    """Run ``genspec check`` with validated options; return the exit status."""
    from genspec.report import summarize, write_report

    invocation = Path.cwd()
    impl = str(Path(opts.impl).resolve()) if is_path(opts.impl) else opts.impl
    work = opts.out / ".genspec-run"
    work.mkdir(parents=True, exist_ok=True)
    for stale in work.iterdir():
        stale.unlink()
    env = child_environment(dict(os.environ), invocation)
    hang_limit = opts.timeout + max(10.0, opts.timeout) if opts.timeout > 0 else 0.0

    results: dict[str, dict[str, Any]] = {}
    start: dict[str, Any] | None = None
    notes: list[str] = []
    status, code = "complete", EXIT_OK
    skip_ids: set[str] = set()
    started = time.time()
    attempt_no = 0
    while True:
        events_path = work / f"events-{attempt_no}.jsonl"
        skip_path = None
        if skip_ids:
            skip_path = work / f"skip-{attempt_no}.txt"
            skip_path.write_text("\n".join(sorted(skip_ids)) + "\n")
        args = _child_args(opts, impl, events_path, skip_path)
        proc = subprocess.Popen(args, cwd=invocation, env=env, start_new_session=True)
        returncode, hung, interrupted = _supervise(proc, events_path, hang_limit)
        attempt = Attempt(returncode, read_events(events_path), hung=hung, interrupted=interrupted)
        if attempt.of("start") and start is None:
            start = attempt.of("start")[0]
        for event in attempt.of("result"):
            results[event["entry"]["nodeid"]] = event["entry"]

        errors = attempt.of("error")
        if errors:
            kind = errors[0].get("kind")
            status = "not judged: " + ("the implementation provides none of the contract" if kind == "nothing_provided"
                                       else "the implementation could not be imported")
            notes.append(errors[0].get("message", "").strip())
            code = EXIT_NOT_JUDGED
            break
        if attempt.interrupted:
            status, code = "incomplete: interrupted", EXIT_INCOMPLETE
            break
        if attempt.finished:
            break
        if start is None:
            if returncode == 4 and not attempt.events:  # pytest's own usage error, already printed
                return EXIT_USAGE
            status = f"not judged: the process ended ({_describe_end(returncode)}) while loading the implementation"
            code = EXIT_NOT_JUDGED
            break
        # The child ended before finishing: blame the running check, resume with the rest.
        culprit = attempt.running_check()
        how = (f"the check made no progress for {hang_limit:g} s and its process was killed" if hung else
               f"the implementation ended the process during this check ({_describe_end(returncode)})")
        if culprit is not None:
            area = next((c["area"] for c in start["collected"] if c["nodeid"] == culprit), "harness")
            results[culprit] = _failed_entry(culprit, area, how)
        notes.append(f"attempt {attempt_no + 1}: {how}" + (f": {culprit}" if culprit else ""))
        skip_ids = set(results)
        remaining = [c for c in start["collected"] if c["nodeid"] not in skip_ids]
        if not remaining:
            break
        if attempt_no >= opts.max_restarts:
            status = f"incomplete: the process ended {attempt_no + 1} times; {len(remaining)} checks did not run"
            code = EXIT_INCOMPLETE
            break
        attempt_no += 1
        print(f"genspec check: {how}; resuming with the {len(remaining)} remaining checks", flush=True)

    if start is not None and "all" in opts.require:
        required = [n for names in start["contract_missing"].values() for n in names]
    else:
        missing = {n for names in (start or {}).get("contract_missing", {}).values() for n in names}
        required = [n for n in opts.require if n in missing]
    for name in required:
        results[f"require::{name}"] = _failed_entry(f"require::{name}", "harness",
                                                    f"--require: {name} is not provided")
    if start is not None and code == EXIT_OK:
        ran = [c for c in start["collected"] if c["nodeid"] not in results]
        if ran and status == "complete":
            status = f"incomplete: {len(ran)} collected checks did not report"
            code = EXIT_INCOMPLETE
    if code == EXIT_OK and any(e["outcome"] == "failed" and e.get("gated", True) for e in results.values()):
        code = EXIT_FAILED

    versions = {k: (start or {}).get(k, "?") for k in ("torch", "hypothesis", "scipy")}
    summary = summarize(results)
    write_report(opts.out, implementation=opts.impl, versions=versions, seed=(start or {}).get("seed", opts.seed),
                 profile=(start or {}).get("profile", opts.profile or "?"), devices=(start or {}).get("devices", []),
                 results=results, summary=summary, exitstatus=code, elapsed_s=time.time() - started,
                 contract_missing=(start or {}).get("contract_missing", {}), status=status, notes=notes)
    if opts.junit_xml:
        write_junit(opts.junit_xml, results, elapsed_s=time.time() - started)
    _print_failures(results)
    _print_verdict(opts, summary, status, code, notes)
    return code


def _print_failures(results: dict[str, dict[str, Any]]) -> None:
    from genspec.report import failure_lines

    lines = failure_lines(results)
    if lines:
        print(f"\ngenspec check: {len(lines)} failed checks, by tier:")
        for line in lines[:200]:
            print("  " + line)
        if len(lines) > 200:
            print(f"  ... and {len(lines) - 200} more (report.md lists them all)")


def _print_verdict(opts: CheckOptions, summary: dict[str, dict[str, Any]], status: str, code: int,
                   notes: list[str]) -> None:
    print(f"\ngenspec check: implementation {opts.impl}", flush=True)
    for line in table_lines(summary):
        print(line)
    for note in notes:
        print("  " + note.splitlines()[0] if note else "")
    print(f"genspec check: {status}; exit {code} ({EXIT_CODES[code]}); report {opts.out / 'report.md'}", flush=True)


def write_junit(path: Path, results: dict[str, dict[str, Any]], *, elapsed_s: float) -> None:
    """A JUnit XML file of the checks (one ``testcase`` per check; not provided and skipped as skipped)."""
    entries = sorted(results.values(), key=lambda e: e["nodeid"])
    suite = ET.Element("testsuite", name="genspec", tests=str(len(entries)), time=f"{elapsed_s:.2f}",
                       failures=str(sum(e["outcome"] == "failed" for e in entries)),
                       skipped=str(sum(e["outcome"] in ("not_provided", "skipped") for e in entries)))
    for entry in entries:
        file_part, _, name = entry["nodeid"].rpartition("::")
        case = ET.SubElement(suite, "testcase", classname=file_part.replace("/", ".").removesuffix(".py") or "genspec",
                             name=name or entry["nodeid"], time=f"{entry.get('duration_s', 0.0):.3f}")
        case.set("area", entry["area"])
        message = entry.get("message") or ""
        if entry["outcome"] == "failed":
            ET.SubElement(case, "failure", message=message[:500]).text = message
        elif entry["outcome"] == "not_provided":
            ET.SubElement(case, "skipped", message=f"not provided: {entry.get('missing')}")
        elif entry["outcome"] == "skipped":
            ET.SubElement(case, "skipped", message=message[:500])
    root = ET.Element("testsuites")
    root.append(suite)
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
