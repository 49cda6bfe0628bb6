"""The conformance matrix v2: the specification run against the reference, the controls, torch's built-ins
and the flow libraries; writes ``docs/conformance.md``.

For each implementation of :data:`IMPLEMENTATIONS` whose library is installed, this runs
``genspec check`` over the four spec areas (contract names and the FLOWS / SAMPLERS / RELAXED
protocols), plus the slow Gumbel-tail checks where ``sample_gumbel`` is provided, and keeps each
report. ``scripts/conformance_render.py`` then writes the matrix by tier: per implementation and per
protocol object passed / failed / not provided in the law, numerics and validation tiers, with the
run time; every law or numerics failure with its verdict from ``docs/conformance/verdicts.toml``
(data, not code: a real defect with a minimal reproduction, a documented convention, or a check that
was wrong and is fixed) or listed as not yet triaged; the candidates investigated, each with the
output of its script in ``docs/conformance/``.

Usage (from the repository root; needs ``pip install -e '.[peers]'``; about 20 minutes on 2 cores)::

    python scripts/conformance_matrix.py                   # run everything, write docs/conformance.md
    python scripts/conformance_matrix.py --reuse           # re-render from the reports in --work
    python scripts/conformance_matrix.py --only adapters.zuko_flows
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(ROOT))  # the controls live in meta_tests/, which is not installed

from conformance_render import render  # noqa: E402

VERDICTS = ROOT / "docs" / "conformance" / "verdicts.toml"
AREAS = ("gaussian", "gumbel", "flows", "autoencoders")
SLOW_SELECTION = ("--run-slow", "--", "-k", "test_gumbel_tail")


@dataclass(frozen=True)
class Impl:
    module: str
    label: str
    peer: str | None  # the import name that must be installed; None: always run


IMPLEMENTATIONS: tuple[Impl, ...] = (
    Impl("reference", "reference", None),
    Impl("meta_tests.foreign_control", "foreign control", None),
    Impl("meta_tests.foreign_flows", "foreign flows", None),
    Impl("adapters.torch_builtins", "torch", "torch"),
    Impl("adapters.torch_protocols", "torch (protocols)", "torch"),
    Impl("adapters.pyro_protocols", "pyro", "pyro"),
    Impl("adapters.zuko_flows", "zuko", "zuko"),
    Impl("adapters.nflows_flows", "nflows", "nflows"),
    Impl("adapters.normflows_flows", "normflows", "normflows"),
    Impl("adapters.freia_flows", "FrEIA", "FrEIA"),
    Impl("adapters.zuko_coupling", "zuko (contract coupling)", "zuko"),
    Impl("adapters.nflows_coupling", "nflows (contract coupling)", "nflows"),
    Impl("adapters.normflows_coupling", "normflows (contract coupling)", "normflows"),
    Impl("adapters.freia_coupling", "FrEIA (contract coupling)", "FrEIA"),
    Impl("adapters.freia_coupling_raw", "FrEIA (raw logdet)", "FrEIA"),
)


def installed(impl: Impl) -> bool:
    if impl.peer is None:
        return True
    return importlib.util.find_spec(impl.peer) is not None


def available(impl: Impl) -> bool:
    """Whether the implementation's module exists in this checkout (genspec's or the repository's)."""
    from genspec.implementation import resolve

    try:
        return importlib.util.find_spec(resolve(impl.module)) is not None
    except ModuleNotFoundError:  # a parent package is missing
        return False


def run_check(impl: Impl, out: Path, extra: tuple[str, ...] = (), areas: tuple[str, ...] = AREAS) -> float:
    """``genspec check`` over ``areas``; returns seconds (the log is kept beside the report)."""
    out.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "genspec", "check", "--impl", impl.module, "--out", str(out),
           "--area", ",".join(areas), *extra]
    start = time.time()
    with open(out / "log.txt", "w") as log:
        subprocess.run(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, check=False)
    return time.time() - start


def run_repro(script: str) -> str:
    proc = subprocess.run([sys.executable, str(ROOT / "docs" / "conformance" / script)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600, check=False)
    text = (proc.stdout + proc.stderr).strip()
    return text if proc.returncode == 0 else f"{text}\n(exit status {proc.returncode})"


def load_results(work: Path, impls: list[Impl]) -> dict[str, dict]:
    """Each implementation's report, its slow run's checks merged in."""
    results = {}
    for impl in impls:
        report = work / impl.module / "report.json"
        if not report.exists():
            raise SystemExit(f"error: no report for {impl.module}; see {work / impl.module / 'log.txt'}")
        data = json.loads(report.read_text())
        slow = work / impl.module / "slow" / "report.json"
        if slow.exists():
            slow_checks = {c["nodeid"]: c for c in json.loads(slow.read_text())["checks"]}
            data["checks"] = [c for c in data["checks"] if c["nodeid"] not in slow_checks] + list(slow_checks.values())
        results[impl.module] = data
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", default="/tmp/genspec-conformance", help="folder for the reports")
    parser.add_argument("--reuse", action="store_true", help="render from the reports already in --work")
    parser.add_argument("--skip-repros", action="store_true", help="reuse the last run's reproduction outputs")
    parser.add_argument("--only", nargs="*", default=None, help="run only these implementation modules")
    parser.add_argument("--out", default=str(ROOT / "docs" / "conformance.md"))
    args = parser.parse_args(argv)

    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    impls = [i for i in IMPLEMENTATIONS if installed(i) and available(i)]
    skipped = [i for i in IMPLEMENTATIONS if i not in impls]
    timing_file = work / "seconds.json"
    seconds: dict[str, float] = json.loads(timing_file.read_text()) if timing_file.exists() else {}
    for impl in impls:
        out = work / impl.module
        done = (out / "report.json").exists()
        if done and (args.reuse or (args.only is not None and impl.module not in args.only)):
            continue
        print(f"genspec check --impl {impl.module} ...", flush=True)
        seconds[impl.module] = run_check(impl, out)
        report = json.loads((out / "report.json").read_text()) if (out / "report.json").exists() else {}
        if "sample_gumbel" not in report.get("contract_missing", {}).get("gumbel", ["sample_gumbel"]):
            seconds[impl.module + " (slow)"] = run_check(impl, out / "slow", SLOW_SELECTION, ("gumbel",))
        print(f"  {seconds[impl.module]:.0f} s", flush=True)
        timing_file.write_text(json.dumps(seconds, indent=1))

    verdicts = tomllib.loads(VERDICTS.read_text())
    repro_cache = work / "repros.json"
    repros: dict[str, str] = json.loads(repro_cache.read_text()) if repro_cache.exists() else {}
    if not args.skip_repros:
        for candidate in verdicts.get("candidate", []):
            print(f"running docs/conformance/{candidate['script']} ...", flush=True)
            repros[candidate["script"]] = run_repro(candidate["script"])
        repro_cache.write_text(json.dumps(repros, indent=1))

    results = load_results(work, impls)
    text, untriaged = render(results, impls, skipped, seconds, repros, verdicts)
    Path(args.out).write_text(text)
    print(f"wrote {args.out}; {untriaged} law or numerics failures without a verdict")
    return 0


if __name__ == "__main__":
    sys.exit(main())
