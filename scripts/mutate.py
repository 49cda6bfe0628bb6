"""Mutation testing of ``reference/``: a small ast-based mutator (no dependency beyond the stdlib).

Each mutant is one change to one module of ``reference/``: ``+``/``-`` swapped, ``*``/``/`` swapped,
``**`` -> ``*``, a comparison operator swapped (``<``/``<=``, ``>``/``>=``, ``==``/``!=``), a numeric
constant changed (0 -> 1, 1 -> 2, 2 -> 1, 0.5 -> 1.0, other c -> c + 1), a unary minus dropped, one
operand of ``a + b`` / ``a - b`` dropped (a term dropped), the two first positional arguments of a
call swapped, ``True``/``False`` flipped. Docstrings, ``raise`` statements (the messages and the
argument checks they guard are left alone only inside the raise itself), imports and annotations
are not mutated.

Every worker (``--jobs``) copies the repository once to a scratch folder, so the checkout is never
touched, and runs its share of the mutants in one Python process: it writes a mutant into its copy,
forgets the project's modules, runs the module's spec area in process
(``pytest --area=AREA -x -q``; every area for a module outside the contract; then, if every check
passed, the reference's own house tests ``HOUSE_TESTS``) and restores the file.
A mutant is *killed* when a check fails, *survived* when the area passes, *timeout* when it runs past
``--timeout`` (counted as killed, as mutmut does; its worker is restarted) and *error* when it no
longer compiles (not counted).

    python scripts/mutate.py --jobs 2 --out mutation_raw.json          # every module, ~1 h on 2 cores
    python scripts/mutate.py --files reference/iwae.py --out iwae.json # one module
    python scripts/mutate.py --list --files reference/iwae.py          # the mutants, not run
    python scripts/mutate.py --report --out mutation_raw.json          # docs/mutation.md, with the triage
                                                                       # of docs/mutation_triage.json
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from mutation_ops import mutants  # noqa: E402
from mutation_report import merge_raw, report  # noqa: E402

def area_of(module: Path) -> str | None:
    """The spec area(s) whose contract names ``module`` defines in ``__all__`` (``None``: run every area).

    A module outside the contract (``priors.py``, say) is checked through whatever uses it, so its
    mutants run the whole suite rather than a guessed area.
    """
    from genspec.contract import CONTRACT

    tree = ast.parse(module.read_text())
    names: set[str] = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            if isinstance(node.value, (ast.List, ast.Tuple)):
                names |= {e.value for e in node.value.elts if isinstance(e, ast.Constant)}
    areas = [a for a, contract_names in CONTRACT.items() if names & set(contract_names)]
    return ",".join(areas) or None


PROJECT_PACKAGES = ("reference", "properties", "statistical", "models", "genspec", "bugs", "faithful",
                    "adapters", "meta_tests", "errata", "conftest")


def _purge_project_modules() -> None:
    """Forget the project's modules, so that the next ``pytest.main`` imports the mutated file afresh.

    torch, scipy, hypothesis and pytest stay imported: they are most of the start-up cost of a run.
    """
    for name in list(sys.modules):
        if name.split(".")[0] in PROJECT_PACKAGES:
            del sys.modules[name]


HOUSE_TESTS = ["meta_tests/test_reference_messages.py"]
"""Tests of the reference itself, not of an implementation (its one message style): run against a
mutant that the module's spec area lets through."""

_AREA_FILES: dict[str | None, list[str]] = {}


def _area_files(area: str | None, extra: list[str]) -> list[str]:
    """The test files that hold an item of ``area`` (collected once per worker and area)."""
    import pytest

    if area not in _AREA_FILES:
        files: list[str] = []

        class _Files:
            def pytest_collection_finish(self, session: pytest.Session) -> None:
                for item in session.items:
                    path = item.nodeid.split("::")[0]
                    if path not in files:
                        files.append(path)

        _purge_project_modules()
        args = [*([f"--area={area}"] if area else []), "--collect-only", "-q", "-p", "no:cacheprovider", *extra]
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            pytest.main(args, plugins=[_Files()])
        _AREA_FILES[area] = files
    return _AREA_FILES[area]


def _run_one(work: Path, m: dict, extra: list[str]) -> dict:
    """Write mutant ``m`` into ``work``, run its area in this process, restore the file."""
    import pytest

    target = work / m["file"]
    original = target.read_text()
    area = area_of(work / m["file"])
    try:
        compile(m["code"], m["file"], "exec")
    except SyntaxError:
        return {"status": "error", "killer": None, "seconds": 0.0, "area": area or "all"}

    failures: list[str] = []

    class _FirstFailure:
        def pytest_runtest_logreport(self, report: object) -> None:
            if getattr(report, "failed", False):
                failures.append(getattr(report, "nodeid", "?"))

    files = _area_files(area, extra)  # collected from the unmutated tree
    target.write_text(m["code"])
    t1 = time.time()
    try:
        _purge_project_modules()
        # plain asserts and no unraisable-exception sweep (a gc.collect per run): the verdict is the
        # same, the run about a second shorter
        args = [*([f"--area={area}"] if area else []), "-x", "-q", "-p", "no:cacheprovider",
                "-p", "no:unraisableexception", "--assert=plain", "--rootdir", str(work), *extra, *files]
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            rc = int(pytest.main(args, plugins=[_FirstFailure()]))
        if rc == 0:  # the spec suite let it through: the reference's own house tests have their say
            _purge_project_modules()
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                rc = int(pytest.main(["-x", "-q", "-p", "no:cacheprovider", "-p", "no:unraisableexception",
                                      "--assert=plain", "--rootdir", str(work), *HOUSE_TESTS],
                                     plugins=[_FirstFailure()]))
    finally:
        target.write_text(original)
    status = "survived" if rc == 0 else ("killed" if rc in (1, 2, 3) else f"rc{rc}")
    if rc in (2, 3) and not failures:  # interrupted or an internal error: the mutant broke collection
        failures.append(f"(collection or internal error, pytest exit {rc})")
    return {"status": status, "killer": failures[0] if failures else None,
            "seconds": round(time.time() - t1, 1), "area": area or "all"}


def _worker(work: Path, indices: list[int], out: Path, extra: list[str], files: list[Path]) -> None:
    """Run the mutants ``indices`` of the plan in one process, one JSON line each (``start`` first)."""
    os.chdir(work)
    sys.path.insert(0, str(work))
    plan = [m for f in files for m in mutants(f)]
    with out.open("a") as f:
        for i in indices:
            f.write(json.dumps({"start": i, "t": time.time()}) + "\n")
            f.flush()
            result = _run_one(work, plan[i], extra)
            f.write(json.dumps({"index": i, **result}) + "\n")
            f.flush()


def _copy_tree(work: Path) -> None:
    shutil.copytree(ROOT, work, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns(".git", "runs", "__pycache__", "*.egg-info", ".hypothesis",
                                                  "genspec-report*", "docs", ".venv", "build", "dist"))


def _read_part(path: Path) -> tuple[dict[int, dict], tuple[int, float] | None]:
    """The finished results of a worker's file and the mutant it is running now (index, start time)."""
    done: dict[int, dict] = {}
    current = None
    if path.exists():
        for line in path.read_text().splitlines():
            rec = json.loads(line)
            if "start" in rec:
                current = (rec["start"], rec["t"])
            else:
                done[rec["index"]] = rec
                current = None
    return done, current


def run(plan: list[dict], files: list[Path], jobs: int, timeout: float, budget_s: float, extra: list[str],
        scratch: Path) -> dict[int, dict]:
    """Run every mutant in ``jobs`` worker processes, each with its own copy of the tree.

    A worker runs its share in one Python process (torch imported once); a mutant that runs past
    ``timeout`` seconds is recorded as ``timeout`` and its worker restarted at the next mutant.
    """
    results: dict[int, dict] = {}
    shares = {j: list(range(j, len(plan), jobs)) for j in range(jobs)}
    procs: dict[int, subprocess.Popen] = {}
    parts = {j: scratch / f"part{j}.jsonl" for j in range(jobs)}
    t0 = time.time()

    def start(j: int) -> None:
        todo = [i for i in shares[j] if i not in results]
        if not todo or (budget_s and time.time() - t0 > budget_s):
            return
        work = scratch / f"work{j}"
        if not (work / "reference").exists():
            _copy_tree(work)
        cmd = [sys.executable, __file__, "_worker", "--work", str(work), "--out", str(parts[j]),
               "--indices", ",".join(map(str, todo)), "--files", *[str(f.relative_to(ROOT)) for f in files],
               "--pytest-args", " ".join(extra)]
        env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}  # one thread per worker
        procs[j] = subprocess.Popen(cmd, cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    for j in range(jobs):
        start(j)
    reported = 0
    while procs:
        time.sleep(1.0)
        for j, proc in list(procs.items()):
            done, current = _read_part(parts[j])
            results.update(done)
            if current is not None and time.time() - current[1] > timeout:
                proc.kill()
                proc.wait()
                results[current[0]] = {"index": current[0], "status": "timeout", "killer": None,
                                       "seconds": round(timeout, 1), "area": area_of(ROOT / plan[current[0]]["file"]) or "all"}
                with parts[j].open("a") as f:
                    f.write(json.dumps(results[current[0]]) + "\n")
                del procs[j]
                start(j)
            elif proc.poll() is not None:
                done, _ = _read_part(parts[j])
                results.update(done)
                del procs[j]
                if budget_s and time.time() - t0 > budget_s:
                    continue
                if any(i not in results for i in shares[j]) and proc.returncode != 0:
                    start(j)  # the worker died (not a timeout): go on after what it finished
        if len(results) > reported:
            reported = len(results)
            print(f"[{reported}/{len(plan)}] {time.time() - t0:.0f} s", flush=True)
    return results


def main() -> None:
    argv = sys.argv[1:]
    if argv and argv[0] == "_worker":
        wp = argparse.ArgumentParser()
        wp.add_argument("--work", required=True)
        wp.add_argument("--out", required=True)
        wp.add_argument("--indices", required=True)
        wp.add_argument("--files", nargs="+", required=True)
        wp.add_argument("--pytest-args", default="")
        w = wp.parse_args(argv[1:])
        _worker(Path(w.work), [int(i) for i in w.indices.split(",")], Path(w.out), w.pytest_args.split(),
                [ROOT / f for f in w.files])
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", nargs="+", default=None, help="modules of reference/ (default: all)")
    ap.add_argument("--timeout", type=float, default=120.0, help="per-mutant time limit, s")
    ap.add_argument("--budget-s", type=float, default=0, help="stop starting mutants after this many seconds")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes, each with its own copy of the tree")
    ap.add_argument("--scratch", default=None, help="folder for the workers' copies and partial results")
    ap.add_argument("--out", default="mutation.json", help="raw results (JSON)")
    ap.add_argument("--list", action="store_true", help="list the mutants; run nothing")
    ap.add_argument("--report", action="store_true",
                    help="write docs/mutation.md from --out and docs/mutation_triage.json; run nothing")
    ap.add_argument("--raw", nargs="+", default=None,
                    help="with --report: raw result files to merge; a later file's results for a module "
                         "replace an earlier file's (a re-run after closing gaps)")
    ap.add_argument("--before", nargs="+", default=None,
                    help="with --report: the raw files of the first run, to report its score beside the final one")
    ap.add_argument("--pytest-args", default="", help="extra pytest arguments, one string")
    args = ap.parse_args(argv)
    if args.report:
        raw = merge_raw([Path(p) for p in (args.raw or [args.out])])
        before = merge_raw([Path(p) for p in args.before]) if args.before else None
        triage_path = ROOT / "docs" / "mutation_triage.json"
        triage = json.loads(triage_path.read_text()) if triage_path.exists() else {}
        report(raw, triage, ROOT / "docs" / "mutation.md", before=before)
        print(f"wrote docs/mutation.md from {', '.join(args.raw or [args.out])}")
        return
    files = [ROOT / f for f in args.files] if args.files else sorted((ROOT / "reference").glob("*.py"))
    files = [f for f in files if f.name != "__init__.py"]
    plan = [m for f in files for m in mutants(f)]
    if args.list:
        for m in plan:
            print(f"{m['file']}:{m['line']}: {m['mutation']}: {m['segment']}")
        print(f"{len(plan)} mutants")
        return
    scratch = Path(args.scratch or tempfile.mkdtemp(prefix="genspec-mut-"))
    scratch.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    results = run(plan, files, args.jobs, args.timeout, args.budget_s, args.pytest_args.split(), scratch)
    rows = []
    for i, m in enumerate(plan):
        if i in results:
            r = {k: v for k, v in m.items() if k != "code"}
            r.update({k: v for k, v in results[i].items() if k != "index"})
            rows.append(r)
    summary = {"command": "python scripts/mutate.py " + " ".join(argv), "jobs": args.jobs,
               "machine": f"{os.cpu_count()} CPU(s)", "total_planned": len(plan), "run": len(rows),
               "not_run": len(plan) - len(rows), "elapsed_s": round(time.time() - t0, 1),
               "counts": {s: sum(r["status"] == s for r in rows) for s in sorted({r["status"] for r in rows})}}
    Path(args.out).write_text(json.dumps({"summary": summary, "results": rows}, indent=1) + "\n")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
