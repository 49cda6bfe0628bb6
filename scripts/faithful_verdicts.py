"""The suite's verdict on the seeds' own code: run ``genspec check`` on every ``faithful.seedNNN``.

For each faithful port this runs the areas that look the implementation up (gaussian, gumbel, flows,
autoencoders) with the default seed and profile, and writes the per-area counts (passed / failed /
not provided; the checks that do not use ``impl`` are left out, as in the report's area rows) into
``docs/faithful.md`` between the markers ``<!-- verdicts:begin -->`` and ``<!-- verdicts:end -->``.

    python scripts/faithful_verdicts.py            # run all four ports, rewrite the table
    python scripts/faithful_verdicts.py --print    # run, print the table, leave the docs alone
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "faithful.md"
PORTS = ("faithful.seed000", "faithful.seed001", "faithful.seed003", "faithful.seed004")
AREAS = ("gaussian", "gumbel", "flows", "autoencoders")
BEGIN, END = "<!-- verdicts:begin -->", "<!-- verdicts:end -->"


def verdict(module: str) -> dict[str, dict[str, int]]:
    """Per area, the counts of the checks that use ``impl``, from ``genspec check``'s report.json."""
    with tempfile.TemporaryDirectory() as out:
        cmd = [sys.executable, "-m", "genspec", "check", "--impl", module, "--out", out, "--",
               f"--area={','.join(AREAS)}", "-q"]
        subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        report = Path(out) / "report.json"
        if not report.exists():
            raise RuntimeError(f"genspec check --impl {module} wrote no report; run it by hand to see why")
        summary = json.loads(report.read_text())["summary"]
    return {area: summary[area] for area in AREAS if area in summary}


def table(verdicts: dict[str, dict[str, dict[str, int]]]) -> str:
    lines = ["| module | area | passed | failed | not provided |", "|---|---|---:|---:|---:|"]
    for module, areas in verdicts.items():
        ported = [a for a, row in areas.items() if row["passed"] + row["failed"] > 0]
        for i, area in enumerate(ported):
            row = areas[area]
            name = f"`{module}`" if i == 0 else ""
            lines.append(f"| {name} | {area} | {row['passed']} | {row['failed']} | {row['not_provided']} |")
        rest = [a for a in areas if a not in ported]
        if rest:
            lines.append(f"| {'' if ported else f'`{module}`'} | {', '.join(rest)} | 0 | 0 | all (nothing ported) |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--print", action="store_true", help="print the table; do not rewrite the docs")
    args = parser.parse_args()
    verdicts = {}
    for module in PORTS:
        print(f"genspec check --impl {module} ...", flush=True)
        verdicts[module] = verdict(module)
    text = table(verdicts)
    print(text)
    if not args.print:
        doc = DOC.read_text()
        if BEGIN not in doc or END not in doc:
            raise SystemExit(f"{DOC} lacks the markers {BEGIN} / {END}")
        head, rest = doc.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        DOC.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}")
        print(f"wrote {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
