"""Benchmark: wall time of the default ``pytest`` run and of importing ``reference``.

A script, not a test (speed is measured here, never asserted in the suite). Budgets from the
issues: the default run under 60 s on a 2-core machine; importing ``reference`` adds under 2 s to
torch's own import.

    python benchmarks/bench_default_run.py [--repeats 3] [--pytest-args "..."]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _time(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, int, str]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
    return time.perf_counter() - start, proc.returncode, proc.stdout + proc.stderr


def import_cost(repeats: int) -> tuple[float, float]:
    """Median seconds for ``import torch`` and for ``import torch, reference`` in fresh processes."""
    torch_only = [_time([sys.executable, "-c", "import torch"])[0] for _ in range(repeats)]
    with_ref = [_time([sys.executable, "-c", "import torch; import reference"])[0] for _ in range(repeats)]
    return statistics.median(torch_only), statistics.median(with_ref)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--pytest-args", default="", help="extra arguments for pytest")
    args = parser.parse_args()

    t_torch, t_ref = import_cost(max(args.repeats, 3))
    print(f"import torch: {t_torch:.2f} s; import torch + reference: {t_ref:.2f} s; "
          f"reference adds {t_ref - t_torch:.2f} s (budget 2 s)")

    walls = []
    for i in range(args.repeats):
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--durations=15",
               *args.pytest_args.split()]
        wall, code, out = _time(cmd, env=dict(os.environ))
        walls.append(wall)
        print(f"run {i + 1}: {wall:.1f} s wall, exit {code}")
        if i == 0:
            tail = out.strip().splitlines()
            durations = [line for line in tail if line.strip() and ("s call" in line or "s setup" in line)]
            print("slowest:\n  " + "\n  ".join(durations[:15]))
            print(tail[-1])
    print(f"default pytest run: median {statistics.median(walls):.1f} s over {len(walls)} runs "
          f"(budget 60 s) on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
