"""The conformance report: per area and per check, passed / failed / not provided, with evidence.

Written by the plugin when ``--genspec-report=DIR`` is given, and by ``genspec check``'s parent
process from the child's event stream: ``DIR/report.json`` for machines and ``DIR/report.md`` for
people. Evidence is what the checks recorded: the largest error against its tolerance, p-values,
sample sizes, generator seeds. A run that did not complete says so at the top (``status``).
This module imports no torch, so the parent process writes reports without loading it.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from genspec import AREAS, TIERS


SUITE_ROW = "suite-internal"
"""The summary row of checks that do not use ``impl`` (errata, harness, model smoke tests): they
test the suite and the seeds, not the implementation, so they are kept out of the areas' counts."""


def summarize(results: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per area: counts of passed / failed / not provided / skipped, the same per tier, the failures
    in gated tiers, and the missing names.

    Only checks that use the ``impl`` fixture count towards an area; the others form one row,
    ``suite-internal``.
    """
    table: dict[str, dict[str, Any]] = {}
    for entry in results.values():
        key = entry["area"] if entry.get("uses_impl", True) else SUITE_ROW
        row = table.setdefault(key, {"passed": 0, "failed": 0, "not_provided": 0, "skipped": 0, "missing": set(),
                                     "tiers": {}, "failed_gated": 0})
        row[entry["outcome"]] += 1
        if entry["outcome"] == "failed" and entry.get("gated", True):
            row["failed_gated"] += 1
        if entry.get("tier"):
            by_tier = row["tiers"].setdefault(entry["tier"], {"passed": 0, "failed": 0, "not_provided": 0, "skipped": 0})
            by_tier[entry["outcome"]] += 1
        if entry["missing"]:
            row["missing"].add(entry["missing"])
    order = {a: i for i, a in enumerate(AREAS)}
    return {a: table[a] for a in sorted(table, key=lambda a: order.get(a, len(order)))}


def tier_cells(row: dict[str, Any]) -> list[str]:
    """``passed/failed/not provided`` per tier of one summary row, in TIERS order ("" for none)."""
    cells = []
    for tier in TIERS:
        t = row["tiers"].get(tier)
        cells.append(f"{t['passed']}/{t['failed']}/{t['not_provided']}" if t else "")
    return cells


def table_lines(summary: dict[str, dict[str, Any]]) -> list[str]:
    """The per-area table for a terminal: totals, then passed/failed/not provided per tier."""
    head = f"{'area':<14}{'passed':>8}{'failed':>8}{'not provided':>14}{'skipped':>9}  " + "".join(f"{t:>14}" for t in TIERS)
    lines = [head]
    for area, row in summary.items():
        lines.append(f"{area:<14}{row['passed']:>8}{row['failed']:>8}{row['not_provided']:>14}{row['skipped']:>9}  "
                     + "".join(f"{c:>14}" for c in tier_cells(row)))
    return lines


def failure_lines(results: dict[str, dict[str, Any]]) -> list[str]:
    """One line per failed check: its tier (and whether it gates the run), id and message."""
    lines = []
    for e in sorted(results.values(), key=lambda e: (TIERS.index(e["tier"]) if e.get("tier") in TIERS else 9,
                                                    e["nodeid"])):
        if e["outcome"] != "failed":
            continue
        label = e.get("tier") or "suite"
        if not e.get("gated", True):
            label += ", not gated"
        lines.append(f"[{label}] {e['nodeid']}: {(e.get('message') or '').strip()[:240]}")
    return lines


def _number(value: Any) -> float | None:
    """A recorded number as a float: evidence keeps inf and NaN as the strings "inf" / "nan" (JSON)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _worst_ratio(evidence: list[dict[str, Any]]) -> float | None:
    ratios = [r for e in evidence if (r := _number(e.get("max_error_over_tolerance"))) is not None]
    return max(ratios) if ratios else None


def _min_p(evidence: list[dict[str, Any]]) -> float | None:
    ps = [p for e in evidence if (p := _number(e.get("p_value"))) is not None and not math.isnan(p)]
    return min(ps) if ps else None


def _fmt(x: float | None) -> str:
    if x is None:
        return ""
    if isinstance(x, float) and not math.isfinite(x):
        return str(x)
    return f"{x:.3g}"


def write_report(
    out: Path,
    *,
    implementation: str,
    versions: dict[str, str],
    seed: int,
    profile: str,
    devices: list[str],
    results: dict[str, dict[str, Any]],
    summary: dict[str, dict[str, Any]],
    exitstatus: int,
    elapsed_s: float,
    contract_missing: dict[str, list[str]] | None = None,
    status: str = "complete",
    notes: list[str] | None = None,
) -> tuple[Path, Path]:
    """Write ``report.json`` and ``report.md`` into ``out``; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    data = {
        "implementation": implementation,
        "status": status,
        "notes": list(notes or []),
        **versions,
        "seed": seed,
        "profile": profile,
        "devices": devices,
        "exitstatus": exitstatus,
        "elapsed_s": round(elapsed_s, 2),
        "contract_missing": contract_missing or {},
        "summary": {a: {k: (sorted(v) if isinstance(v, set) else v) for k, v in row.items()}
                    for a, row in summary.items()},
        "checks": sorted(results.values(), key=lambda e: (e["area"], e["nodeid"])),
    }
    json_path = out / "report.json"
    json_path.write_text(json.dumps(data, indent=1, default=str) + "\n")

    lines = [
        f"# genspec conformance report: `{implementation}`",
        "",
        *([f"**{status.upper()}**", ""] if status != "complete" else []),
        *[f"- {note}" for note in (notes or [])],
        *([""] if notes else []),
        f"{'; '.join(f'{k} {v}' for k, v in versions.items())}; devices {', '.join(devices)}; profile {profile}; "
        f"spec-seed {seed} (reproduce: `genspec check --impl {implementation} "
        f"--seed {seed} --profile {profile}`); {elapsed_s:.1f} s.",
        "",
        "| area | passed | failed | not provided | skipped | " + " | ".join(TIERS) + " |",
        "|---|---:|---:|---:|---:|" + "---:|" * len(TIERS),
    ]
    for area, row in summary.items():
        lines.append(f"| {area} | {row['passed']} | {row['failed']} | {row['not_provided']} | {row['skipped']} | "
                     + " | ".join(tier_cells(row)) + " |")
    lines += ["", "Per tier: passed/failed/not provided. A failure in a tier that does not gate the run "
              "(`--tiers`, `--strict`) is reported, not failing."]
    for area, row in summary.items():
        if row["missing"]:
            lines.append(f"\nNot provided in **{area}**: {', '.join(f'`{m}`' for m in sorted(row['missing']))}")
    absent = {a: names for a, names in (contract_missing or {}).items() if names}
    if absent:
        lines += ["", "Contract names this implementation does not define: " + "; ".join(
            f"{a}: {', '.join(f'`{n}`' for n in names)}" for a, names in absent.items())]
    failures = failure_lines(results)
    if failures:
        lines += ["", "## Failures", ""] + [f"- {f.replace('|', chr(92) + '|')}" for f in failures]
    lines += ["", "## Checks", "",
              "| area | tier | check | outcome | max error / tolerance | min p-value | n | alpha | note |",
              "|---|---|---|---|---:|---:|---:|---:|---|"]
    for entry in data["checks"]:
        design = entry.get("design") or {}
        note = entry.get("message") or (f"missing `{entry['missing']}`" if entry.get("missing") else "")
        note = note.replace("|", "\\|").replace("\n", " ")[:200]
        lines.append(
            f"| {entry['area']} | {entry.get('tier') or ''} | `{entry['nodeid']}` | "
            f"{entry['outcome']}{'' if entry.get('gated', True) else ' (not gated)'} | "
            f"{_fmt(_worst_ratio(entry['evidence']))} | {_fmt(_min_p(entry['evidence']))} | "
            f"{design.get('n', '')} | {_fmt(design.get('alpha'))} | {note} |"
        )
    md_path = out / "report.md"
    md_path.write_text("\n".join(lines) + "\n")
    return json_path, md_path
