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
(``pytest --area=AREA -x -q``; every area for a module outside the contract) and restores the file.
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
import copy
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

SWAP_BIN = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.Pow: ast.Mult,
            ast.FloorDiv: ast.Div}
SWAP_CMP = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
            ast.NotEq: ast.Eq}


def _skip_nodes(tree: ast.AST) -> set[int]:
    """ids of nodes never mutated: docstrings, annotations, raise statements, imports."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.Module, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
                skip.update(id(n) for n in ast.walk(body[0]))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for a in [*node.args.args, *node.args.kwonlyargs, *node.args.posonlyargs]:
                if a.annotation is not None:
                    skip.update(id(n) for n in ast.walk(a.annotation))
            if node.returns is not None:
                skip.update(id(n) for n in ast.walk(node.returns))
        if isinstance(node, ast.AnnAssign):
            skip.update(id(n) for n in ast.walk(node.annotation))
        if isinstance(node, (ast.Raise, ast.Import, ast.ImportFrom, ast.JoinedStr)):
            skip.update(id(n) for n in ast.walk(node))
    return skip


def _mutations(node: ast.AST) -> list[tuple[str, ast.AST]]:
    """(description, replacement node) for one node."""
    out: list[tuple[str, ast.AST]] = []
    if isinstance(node, ast.BinOp):
        new = SWAP_BIN.get(type(node.op))
        if new is not None:
            m = copy.deepcopy(node)
            m.op = new()
            out.append((f"{type(node.op).__name__} -> {new.__name__}", m))
        if isinstance(node.op, (ast.Add, ast.Sub)):
            out.append(("drop right operand", copy.deepcopy(node.left)))
            if isinstance(node.op, ast.Add):
                out.append(("drop left operand", copy.deepcopy(node.right)))
    elif isinstance(node, ast.Compare) and len(node.ops) == 1:
        new = SWAP_CMP.get(type(node.ops[0]))
        if new is not None:
            m = copy.deepcopy(node)
            m.ops = [new()]
            out.append((f"{type(node.ops[0]).__name__} -> {new.__name__}", m))
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        out.append(("drop unary minus", copy.deepcopy(node.operand)))
    elif isinstance(node, ast.Constant) and type(node.value) in (int, float):
        v = node.value
        nv = {0: 1, 1: 2, 2: 1, 0.5: 1.0}.get(v, v + 1) if not isinstance(v, bool) else None
        if nv is not None:
            out.append((f"constant {v!r} -> {nv!r}", ast.Constant(type(v)(nv) if isinstance(v, float) else nv)))
    elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
        out.append((f"{node.value} -> {not node.value}", ast.Constant(not node.value)))
    elif isinstance(node, ast.Call) and len(node.args) >= 2 and not (
            isinstance(node.func, ast.Name) and node.func.id in ("isinstance", "issubclass", "getattr")) and not any(isinstance(a, ast.Starred) for a in node.args[:2]):
        m = copy.deepcopy(node)
        m.args[0], m.args[1] = m.args[1], m.args[0]
        out.append(("swap first two arguments", m))
    return out


class _Replace(ast.NodeTransformer):
    def __init__(self, target: ast.AST, repl: ast.AST) -> None:
        self.target, self.repl = target, repl

    def visit(self, node: ast.AST) -> ast.AST:
        if node is self.target:
            return self.repl
        return super().visit(node)


def mutants(path: Path) -> list[dict]:
    src = path.read_text()
    tree = ast.parse(src)
    skip = _skip_nodes(tree)
    out = []
    nodes = [n for n in ast.walk(tree) if id(n) not in skip]
    for node in nodes:
        for desc, repl in _mutations(node):
            t2 = ast.parse(src)
            # locate the same node in the fresh tree by position and type
            twin = next((n for n in ast.walk(t2) if type(n) is type(node)
                         and getattr(n, "lineno", None) == getattr(node, "lineno", None)
                         and getattr(n, "col_offset", None) == getattr(node, "col_offset", None)
                         and getattr(n, "end_col_offset", None) == getattr(node, "end_col_offset", None)), None)
            if twin is None:
                continue
            new_tree = _Replace(twin, repl).visit(t2)
            ast.fix_missing_locations(new_tree)
            code = ast.unparse(new_tree)
            line = src.splitlines()[node.lineno - 1].strip()
            out.append({"file": str(path.relative_to(ROOT)), "line": node.lineno, "col": node.col_offset,
                        "mutation": desc, "source_line": line,
                        "segment": ast.get_source_segment(src, node), "code": code})
    return out


PROJECT_PACKAGES = ("reference", "properties", "statistical", "models", "genspec", "bugs", "faithful",
                    "adapters", "meta_tests", "conftest")


def _purge_project_modules() -> None:
    """Forget the project's modules, so that the next ``pytest.main`` imports the mutated file afresh.

    torch, scipy, hypothesis and pytest stay imported: they are most of the start-up cost of a run.
    """
    for name in list(sys.modules):
        if name.split(".")[0] in PROJECT_PACKAGES:
            del sys.modules[name]


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


def merge_raw(paths: list[Path]) -> dict:
    """Raw result files merged in order: a later file's results for a module replace the earlier ones."""
    parts = [json.loads(p.read_text()) for p in paths]
    by_file: dict[str, list[dict]] = {}
    for part in parts:
        files = {r["file"] for r in part["results"]}
        for f in files:
            by_file[f] = [r for r in part["results"] if r["file"] == f]
    return {"summary": {"commands": [p["summary"]["command"] for p in parts],
                        "jobs": sum(p["summary"]["jobs"] for p in parts),
                        "machine": parts[0]["summary"]["machine"],
                        "elapsed_s": sum(p["summary"]["elapsed_s"] for p in parts)},
            "results": [r for f in sorted(by_file) for r in by_file[f]]}


def _score(rows: list[dict]) -> tuple[int, int]:
    """(killed, killed + survived): timeouts count as killed, mutants that do not compile not at all."""
    killed = sum(r["status"] in ("killed", "timeout") for r in rows)
    return killed, killed + sum(r["status"] == "survived" for r in rows)


def _key(r: dict) -> str:
    return f"{r['file']}:{r['line']}:{r['col']}:{r['mutation']}"


def _cell(text: str | None, limit: int = 70) -> str:
    text = (text or "").replace("\n", " ").replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def report(raw: dict, triage: dict[str, dict], out: Path, *, before: dict | None = None) -> None:
    """Write ``docs/mutation.md``: the first run's and the final scores, the gaps closed, every survivor.

    ``triage`` maps a survivor's key (``file:line:col:mutation``) to ``{"verdict": "equivalent" |
    "accepted", "reason": ...}``: *equivalent* means no input through the contract can tell the
    mutant from the reference (it leaves the denominator of the triaged score); *accepted* is a real
    difference left untested, with the reason.
    """
    rows = raw["results"]
    killed, scored = _score(rows)
    errors = sum(r["status"] == "error" for r in rows)
    survivors = [r for r in rows if r["status"] == "survived"]
    verdict = {_key(r): triage.get(_key(r)) for r in survivors}
    equivalent = [k for k, v in verdict.items() if v and v["verdict"] == "equivalent"]
    accepted = [k for k, v in verdict.items() if v and v["verdict"] == "accepted"]
    untriaged = [k for k, v in verdict.items() if v is None]
    # nested operators can share a start (``a + b + c``): match runs by key and source segment
    final_by_id = {(_key(r), r.get("segment")): r for r in rows}
    closed = ([r for r in before["results"] if r["status"] == "survived"
               and final_by_id.get((_key(r), r.get("segment")), {}).get("status") in ("killed", "timeout")]
              if before else [])
    lines = ["# Mutation testing of `reference/`", "",
             "Generated by `python scripts/mutate.py --report` from the raw results of", ""]
    lines += [f"    {c}" for c in raw["summary"]["commands"]]
    lines += ["", "and the triage of the survivors in `docs/mutation_triage.json`. Each mutant is one small "
              "change to one module of `reference/` (the operators are listed in `scripts/mutate.py`); the "
              "module's spec area of the default suite runs against it (`pytest --area=AREA -x`; every area "
              "for a module outside the contract), and the mutant is *killed* when a check fails.", ""]
    if before is not None:
        b_killed, b_scored = _score(before["results"])
        lines.append(f"- **first run**: {b_killed} / {b_scored} = **{b_killed / b_scored:.1%}** killed; its "
                     f"{b_scored - b_killed} survivors were triaged, and the {len(closed)} that were real gaps "
                     f"are now killed by new checks (below); the modules they were in were run again")
    lines += [
        f"- **final raw score**: {killed} / {scored} = **{killed / scored:.1%}** killed "
        f"({sum(r['status'] == 'timeout' for r in rows)} of them by the time limit; {errors} mutants that no "
        f"longer compile are not counted)",
        f"- survivors: {len(survivors)}: {len(equivalent)} equivalent, {len(accepted)} accepted with a reason, "
        f"{len(untriaged)} not triaged",
        f"- **triaged score** killed / (all − equivalent): {killed} / {scored - len(equivalent)} = "
        f"**{killed / (scored - len(equivalent)):.1%}**",
        f"- run time: {raw['summary']['elapsed_s']:.0f} s of worker wall time in all, one worker per run, on "
        f"{raw['summary']['machine']} (one torch thread each)",
        "", "## Per module", "",
        "| module | mutants | killed | equivalent survivors | other survivors |", "|---|---:|---:|---:|---:|"]
    per_file: dict[str, list[int]] = {}
    for r in rows:
        if r["status"] == "error":
            continue
        c = per_file.setdefault(r["file"], [0, 0, 0])
        c[0] += 1
        c[1] += r["status"] in ("killed", "timeout")
        c[2] += r["status"] == "survived" and _key(r) in equivalent
    for f, (n, k, e) in sorted(per_file.items()):
        lines.append(f"| `{f}` | {n} | {k} | {e} | {n - k - e} |")
    if before is not None:
        lines += ["", "## Gaps the first run found, closed by new checks", "",
                  "| mutant | source | now killed by |", "|---|---|---|"]
        for r in sorted(closed, key=lambda r: (r["file"], r["line"], r["col"])):
            killer = final_by_id[(_key(r), r.get("segment"))].get("killer") or "(time limit)"
            lines.append(f"| `{r['file']}:{r['line']}` {r['mutation']} | `{_cell(r.get('segment'))}` | "
                         f"`{_cell(killer, 140)}` |")
    lines += ["", "## Survivors and their verdicts", "",
              "| mutant | source | verdict | why |", "|---|---|---|---|"]
    for r in sorted(survivors, key=lambda r: (r["file"], r["line"], r["col"])):
        v = verdict[_key(r)] or {"verdict": "not triaged", "reason": ""}
        lines.append(f"| `{r['file']}:{r['line']}` {r['mutation']} | `{_cell(r.get('segment'))}` | "
                     f"{v['verdict']} | {_cell(v['reason'], 400)} |")
    out.write_text("\n".join(lines) + "\n")


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
        print(f"wrote docs/mutation.md from {args.out}")
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
