"""Benchmark: what an installed genspec costs a pytest run that does not ask for it.

A small repository without torch (ten test files); ``pytest --collect-only -q`` timed in three
sandbox environments (``meta_tests/sandbox.py``), medians over ``--repeats`` runs:

- ``bare``: pytest only;
- ``deps``: genspec's dependencies (torch, scipy, hypothesis, ...) but not genspec;
- ``genspec``: the same plus genspec's wheel, installed non-editable.

The goal is ``genspec / deps <= 1.1`` and ``genspec / bare <= 1.1`` (genspec installs no pytest11 entry
point, so nothing of it is imported). Hypothesis, one of genspec's dependencies, registers a pytest
plugin of its own; the ``deps`` column isolates that cost from genspec's.

    python benchmarks/bench_plugin_startup.py [--repeats 7] [--out benchmarks/results/plugin_startup.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from meta_tests.sandbox import Sandbox, build_wheel  # noqa: E402


def _small_repo(path: Path) -> Path:
    (path / "tests").mkdir(parents=True)
    for i in range(10):
        (path / "tests" / f"test_mod{i}.py").write_text(
            "\n".join(f"def test_{j}():\n    assert {j} + 1 > {j}\n" for j in range(20)))
    return path


def _median_collect(env: Sandbox, repo: Path, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = env.run(str(env.python), "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", cwd=repo)
        times.append(time.perf_counter() - start)
        if result.returncode != 0:
            raise RuntimeError(result.stdout + result.stderr)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--out", default=None, help="also write the numbers as JSON here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        repo = _small_repo(base / "repo")
        wheel = build_wheel(base / "dist")
        bare = Sandbox(base / "bare", with_packages=False)
        import pytest

        bare.pip_install(f"pytest=={pytest.__version__}")
        full = Sandbox(base / "full", with_packages=True)
        result = {"bare": _median_collect(bare, repo, args.repeats), "deps": _median_collect(full, repo, args.repeats)}
        full.pip_install("--no-deps", "--no-index", str(wheel))
        result["genspec"] = _median_collect(full, repo, args.repeats)
    result["genspec_over_deps"] = result["genspec"] / result["deps"]
    result["genspec_over_bare"] = result["genspec"] / result["bare"]
    result["repeats"] = args.repeats
    for key, value in result.items():
        print(f"{key:>18}: {value:.3f}" if isinstance(value, float) else f"{key:>18}: {value}")
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
