"""The bug catalogue runner: the test of the tests.

Every module ``bugs/<area>_<what>.py`` is the reference implementation with exactly one realistic
bug, and names its ``AREA``, the verdict ``TIER`` that must kill it, the check expected to catch it (``CAUGHT_BY``) and where such a bug has
been seen (``SOURCE``): public code that shipped it (an issue, a pull request or a code listing),
``"analogue: ..."`` for the same slip shipped in neighbouring code, or ``"plausible: <why>"`` where
no public instance is known. For each entry this runs the entry's area of the default suite against it
in a fresh process, only the checks of the entry's ``TIER`` (the tier that must kill it), stopping at
the first failure, and prints a table: entry, killed or survived,
the test that killed it, seconds. An entry that survives means the suite has a blind spot; the
command then exits non-zero (``.ci/run`` relies on that).
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from genspec import TIERS
from genspec.suite import child_environment, pytest_args


@dataclass
class Entry:
    name: str
    area: str
    caught_by: str
    source: str
    doc: str
    tier: str = "law"


    @property
    def provenance(self) -> str:
        """``seen`` (public code shipped this bug), ``analogue`` (the same slip, other code) or
        ``plausible`` (no public instance known), read off the ``SOURCE`` prefix."""
        for kind in ("plausible", "analogue"):
            if self.source.startswith(kind + ":"):
                return kind
        return "seen"


PROVENANCES = ("seen", "analogue", "plausible")


@dataclass
class Outcome:
    entry: Entry
    verdict: str  # killed, survived, error
    killer: str
    seconds: float
    detail: str = ""


def discover(area: str | None = None, names: list[str] | None = None) -> list[Entry]:
    """The catalogue's entries (optionally one area's, or the named ones)."""
    from genspec import bugs

    found = []
    for info in sorted(pkgutil.iter_modules(bugs.__path__), key=lambda m: m.name):
        if info.name.startswith("_") or (names and info.name not in names and f"bugs.{info.name}" not in names):
            continue
        module = importlib.import_module(f"genspec.bugs.{info.name}")
        missing = [k for k in ("AREA", "TIER", "CAUGHT_BY", "SOURCE") if not hasattr(module, k)]
        if missing or not module.__doc__:
            raise ValueError(f"bugs.{info.name} lacks {missing or ['a docstring']}")
        if area is None or module.AREA == area:
            if module.TIER not in TIERS:
                raise ValueError(f"bugs.{info.name}: TIER={module.TIER!r} is not one of {TIERS}")
            found.append(Entry(info.name, module.AREA, module.CAUGHT_BY, module.SOURCE,
                               module.__doc__.strip().splitlines()[0], module.TIER))
    if names:
        unknown = set(n.removeprefix("bugs.") for n in names) - {e.name for e in found}
        if unknown:
            raise ValueError(f"entries={sorted(unknown)} are not in the catalogue")
    return found


def run_entry(entry: Entry, *, threads: int = 1) -> Outcome:
    """Run the entry's area of the default suite against it, stopping at the first failure."""
    with tempfile.TemporaryDirectory() as tmp:
        args = pytest_args(f"bugs.{entry.name}", areas=(entry.area,), extra=[
            "-x", "-q", "-p", "no:cacheprovider", f"--genspec-report={tmp}", "--genspec-seed=0",
            "--genspec-shrink=off", f"--genspec-select-tier={entry.tier}", "--genspec-tiers=all",
        ])
        env = child_environment(dict(os.environ), Path.cwd())
        env.update(OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "pytest", *args], capture_output=True, text=True, env=env)
        seconds = time.perf_counter() - start
        report = Path(tmp) / "report.json"
        failed = []
        if report.exists():
            checks = json.loads(report.read_text())["checks"]
            failed = [c["nodeid"] for c in checks if c["outcome"] == "failed"]
    if proc.returncode == 1 and failed:
        return Outcome(entry, "killed", failed[0], seconds)
    if proc.returncode == 0:
        return Outcome(entry, "survived", "", seconds)
    tail = (proc.stdout + proc.stderr).strip().splitlines()[-15:]
    return Outcome(entry, "error", "", seconds, "\n".join(tail))


def format_table(outcomes: list[Outcome]) -> str:
    """The kill table as Markdown."""
    lines = ["| entry | area | tier | verdict | killed by | expected to be caught by | seconds |",
             "|---|---|---|---|---|---|---:|"]
    for o in outcomes:
        lines.append(f"| `{o.entry.name}` | {o.entry.area} | {o.entry.tier} | {o.verdict} | `{o.killer}` | "
                     f"`{o.entry.caught_by}` | {o.seconds:.1f} |")
    killed = sum(o.verdict == "killed" for o in outcomes)
    lines.append(f"\n{killed} of {len(outcomes)} entries killed.")
    return "\n".join(lines)


def format_provenance(entries: list[Entry]) -> str:
    """Where each entry's bug has been seen, with counts per area, as Markdown."""
    areas = sorted({e.area for e in entries})
    lines = ["| area | " + " | ".join(PROVENANCES) + " | entries |", "|---|" + "---:|" * (len(PROVENANCES) + 1)]
    for area in areas:
        mine = [e for e in entries if e.area == area]
        counts = [sum(e.provenance == kind for e in mine) for kind in PROVENANCES]
        lines.append(f"| {area} | " + " | ".join(map(str, counts)) + f" | {len(mine)} |")
    totals = [sum(e.provenance == kind for e in entries) for kind in PROVENANCES]
    lines.append("| all | " + " | ".join(map(str, totals)) + f" | {len(entries)} |")
    lines += ["", "| entry | provenance | source |", "|---|---|---|"]
    for e in entries:
        source = e.source.removeprefix(e.provenance + ":").strip().replace("|", "\\|")
        lines.append(f"| `{e.name}` | {e.provenance} | {source} |")
    return "\n".join(lines)


def main(*, entries: list[str] | None = None, area: str | None = None, jobs: int = 2,
         out: str | None = None) -> int:
    """Run the catalogue; print the kill table; exit status 1 if any entry survived or errored."""
    found = discover(area, entries or None)
    if not found:
        print("genspec bugs: no catalogue entries selected")
        return 1
    print(f"genspec bugs: {len(found)} entries, {jobs} at a time", flush=True)
    outcomes: list[Outcome] = []
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for i, outcome in enumerate(pool.map(run_entry, found), 1):
            outcomes.append(outcome)
            print(f"[{i}/{len(found)}] {outcome.entry.name}: {outcome.verdict}"
                  f"{' by ' + outcome.killer if outcome.killer else ''} ({outcome.seconds:.1f} s)", flush=True)
            if outcome.detail:
                print("    " + outcome.detail.replace("\n", "\n    "), flush=True)
    table = format_table(outcomes)
    print(table)
    if out:
        Path(out).write_text("# Bug catalogue kill table\n\n" + table + "\n\n"
                             "## Where each bug has been seen\n\n"
                             "*seen*: public code shipped this bug (an issue, a pull request or a code listing); "
                             "*analogue*: the same slip shipped in neighbouring code; *plausible*: no public "
                             "instance known, the reason given.\n\n"
                             + format_provenance([o.entry for o in outcomes]) + "\n")
    return 0 if all(o.verdict == "killed" for o in outcomes) else 1
