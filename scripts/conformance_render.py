"""Rendering of ``docs/conformance.md`` for ``scripts/conformance_matrix.py``: tables by tier, per protocol
object, the failures with their verdicts (``docs/conformance/verdicts.toml``), the candidates, the matrix."""

from __future__ import annotations

import importlib
import platform
import re
from typing import Any

TIERS = ("law", "numerics", "validation")
SYMBOL = {"passed": "pass", "failed": "**FAIL**", "not_provided": "n/p", "skipped": "skip"}
PROTOCOL_FILES = re.compile(r"test_protocols_(flows|samplers|relaxed)\.py")
REGISTRY = {"flows": "FLOWS", "samplers": "SAMPLERS", "relaxed": "RELAXED"}


def verdict_for(verdicts: dict[str, Any], module: str, nodeid: str) -> dict[str, Any] | None:
    for v in verdicts.get("verdict", []):
        if module in v["impls"] and re.search(v["pattern"], nodeid):
            return v
    return None


def counts(checks: list[dict[str, Any]], tier: str) -> str:
    mine = [c for c in checks if c.get("tier") == tier]
    return "/".join(str(sum(c["outcome"] == o for c in mine)) for o in ("passed", "failed", "not_provided"))


def md(text: str) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def registry_keys(module: str) -> dict[str, list[str]]:
    """Protocol registry -> its entry names (longest first), read off the implementation module."""
    from genspec.implementation import import_implementation

    try:
        mod = import_implementation(module)
    except Exception:  # noqa: BLE001 - a module that cannot be imported has no objects to list
        return {}
    found = {}
    for kind, name in REGISTRY.items():
        entries = getattr(mod, name, None)
        if isinstance(entries, dict):
            found[kind] = sorted(entries, key=len, reverse=True)
    return found


def object_of(nodeid: str, keys: dict[str, list[str]]) -> tuple[str, str] | None:
    """(registry, entry) of a protocol check's id, or None for a contract check."""
    match = PROTOCOL_FILES.search(nodeid)
    if not match:
        return None
    params = nodeid.split("[", 1)[1].rstrip("]") if "[" in nodeid else ""
    for key in keys.get(match.group(1), []):
        if re.search(rf"(^|-){re.escape(key)}(-|$)", params):
            return REGISTRY[match.group(1)], key
    return REGISTRY[match.group(1)], "(none)"


def _summary(results: dict[str, dict], impls: list[Any], seconds: dict[str, float]) -> list[str]:
    lines = ["## Summary by tier", "",
             "passed/failed/not provided. *law* and *numerics* failures fail a run; *validation* failures "
             "are reported (`genspec check --strict` gates them).", "",
             "| implementation | module | law | numerics | validation | run time |", "|---|---|---|---|---|---:|"]
    for impl in impls:
        checks = [c for c in results[impl.module]["checks"] if c.get("uses_impl", True)]
        time_s = seconds.get(impl.module, 0) + seconds.get(impl.module + " (slow)", 0)
        lines.append(f"| {impl.label} | `{impl.module}` | " + " | ".join(counts(checks, t) for t in TIERS)
                     + f" | {time_s:.0f} s |")
    return lines + [""]


def _objects(results: dict[str, dict], impls: list[Any]) -> list[str]:
    lines = ["## Protocol objects", "",
             "Every object of an implementation's `FLOWS`, `SAMPLERS` and `RELAXED`, judged by the protocol "
             "checks: passed/failed/not provided per tier, and the seconds its checks took.", ""]
    for impl in impls:
        keys = registry_keys(impl.module)
        per: dict[tuple[str, str], list[dict]] = {}
        for c in results[impl.module]["checks"]:
            obj = object_of(c["nodeid"], keys)
            if obj is not None and obj[1] != "(none)":
                per.setdefault(obj, []).append(c)
        if not per:
            continue
        lines += [f"### {impl.label} (`{impl.module}`)", "", "| registry | object | law | numerics | validation | s |",
                  "|---|---|---|---|---|---:|"]
        for (registry, key), checks in sorted(per.items()):
            lines.append(f"| {registry} | `{key}` | " + " | ".join(counts(checks, t) for t in TIERS)
                         + f" | {sum(c.get('duration_s', 0) for c in checks):.1f} |")
        lines.append("")
    return lines


def _failures(results: dict[str, dict], impls: list[Any], verdicts: dict[str, Any]) -> tuple[list[str], int]:
    lines = ["## Law and numerics failures: verdicts and reproductions", ""]
    assigned: dict[str, list[tuple[Any, dict]]] = {}
    untriaged: list[tuple[Any, dict]] = []
    for impl in impls:
        for c in results[impl.module]["checks"]:
            if c["outcome"] != "failed" or c.get("tier") not in ("law", "numerics"):
                continue
            v = verdict_for(verdicts, impl.module, c["nodeid"])
            (assigned.setdefault(v["title"], []) if v else untriaged).append((impl, c))
    if not assigned and not untriaged:
        lines += ["No law or numerics check failed.", ""]
    for v in verdicts.get("verdict", []):
        members = assigned.get(v["title"])
        if not members:
            continue
        lines += [f"### {v['title']}", "", f"**Verdict: {v['kind']}.** Implementations: "
                  f"{', '.join(sorted({m[0].label for m in members}))}.", "", v["text"], "", "Failing checks:", ""]
        for impl, c in sorted(members, key=lambda m: (m[1]["nodeid"], m[0].label)):
            lines.append(f"- [{c['tier']}] `{c['nodeid']}` ({impl.label}): {md(c.get('message'))[:240]}")
        if v.get("repro"):
            fence = "```bash" if v["repro"].startswith("python ") else "```python"
            lines += ["", "Minimal reproduction:", "", fence, v["repro"].rstrip(), "```", ""]
        else:
            lines.append("")
    if untriaged:
        lines += ["### Not yet triaged", "", "Law or numerics failures without a verdict in "
                  "`docs/conformance/verdicts.toml`:", ""]
        for impl, c in untriaged:
            lines.append(f"- `{impl.module}` [{c['tier']}] `{c['nodeid']}`: {md(c.get('message'))[:240]}")
        lines.append("")
    return lines, len(untriaged)


def _validation(results: dict[str, dict], impls: list[Any], verdicts: dict[str, Any]) -> list[str]:
    lines = ["## Validation failures", "", "Bad input that does not raise `ValueError` naming the argument: "
             "reported, not failing, unless `--strict`. Per implementation, the checks (parametrized variants "
             "folded) and the verdict where one applies.", ""]
    for impl in impls:
        failed = [c for c in results[impl.module]["checks"] if c["outcome"] == "failed" and c.get("tier") == "validation"]
        if not failed:
            continue
        by_check: dict[str, int] = {}
        for c in failed:
            by_check[c["nodeid"].split("[", 1)[0]] = by_check.get(c["nodeid"].split("[", 1)[0], 0) + 1
        lines += [f"- **{impl.label}**: {len(failed)} failures in {len(by_check)} checks"]
        for check, n in sorted(by_check.items()):
            v = verdict_for(verdicts, impl.module, check)
            lines.append(f"  - `{check}`" + (f" ({n})" if n > 1 else "") + (f": {v['title']}" if v else ""))
    return lines + [""]


def _matrix(results: dict[str, dict], impls: list[Any]) -> list[str]:
    labels = [i.label for i in impls]
    lines = ["## The matrix of contract checks", "",
             "One row per check of the contract's names (protocol checks are in the tables above; "
             "parametrized variants folded: `pass (9)` is nine variants passed). `n/p`: not provided.", "",
             "| area | tier | check | " + " | ".join(labels) + " |", "|---|---|---|" + "---|" * len(labels)]
    rows: dict[tuple[str, str, str], dict[str, list[str]]] = {}
    for impl in impls:
        for c in results[impl.module]["checks"]:
            if not c.get("uses_impl", True) or PROTOCOL_FILES.search(c["nodeid"]):
                continue
            key = (c["area"], c.get("tier") or "", c["nodeid"].split("[", 1)[0])
            rows.setdefault(key, {}).setdefault(impl.module, []).append(c["outcome"])
    for (area, tier, check), per in sorted(rows.items()):
        cells = []
        for i in impls:
            outcomes = per.get(i.module, [])
            kinds = sorted(set(outcomes), key=["failed", "passed", "not_provided", "skipped"].index)
            if len(kinds) == 1:
                cells.append(SYMBOL[kinds[0]] + (f" ({len(outcomes)})" if len(outcomes) > 1 else ""))
            else:
                cells.append(", ".join(f"{SYMBOL[k]} {outcomes.count(k)}" for k in kinds))
        lines.append(f"| {area} | {tier} | `{check}` | " + " | ".join(cells) + " |")
    return lines + [""]


def render(results: dict[str, dict], impls: list[Any], skipped: list[Any], seconds: dict[str, float],
           repros: dict[str, str], verdicts: dict[str, Any]) -> tuple[str, int]:
    """The whole document, and the number of law or numerics failures without a verdict."""
    import torch

    versions = []
    for impl in impls:
        if impl.peer not in (None, "torch") and impl.peer not in [v.split()[0] for v in versions]:
            try:
                versions.append(f"{impl.peer} {importlib.import_module(impl.peer).__version__}")
            except Exception:  # noqa: BLE001 - a version is decoration
                versions.append(f"{impl.peer} ?")
    lines = ["# Conformance matrix", "",
             "The specification run against genspec's reference, two independently written controls, torch's "
             "built-ins and the flow libraries of the field, through the adapters in `adapters/`. Generated by "
             "`python scripts/conformance_matrix.py` from the reports and `docs/conformance/verdicts.toml` (edit "
             "the verdicts there, not this file).", "",
             f"Python {platform.python_version()}, torch {torch.__version__}; {', '.join(versions)}. Areas "
             "gaussian, gumbel, flows, autoencoders; spec-seed 0, profile dev, CPU; the slow Gumbel-tail checks "
             "run where `sample_gumbel` is provided. Reproduce a row with `genspec check --impl MODULE`.", ""]
    if skipped:
        lines += ["Not run (library not installed or module absent): "
                  + ", ".join(f"`{i.module}`" for i in skipped) + ".", ""]
    lines += _summary(results, impls, seconds)
    lines += _objects(results, impls)
    lines += ["## The adapters", ""] + [f"- `{a['module']}`: {a['note']}" for a in verdicts.get("adapter", [])] + [""]
    failure_lines, untriaged = _failures(results, impls, verdicts)
    lines += failure_lines + _validation(results, impls, verdicts)
    lines += ["## Candidates investigated", "", "Each was suspected before a run; each has a script in "
              "`docs/conformance/` whose output (from the last run) follows it.", ""]
    for n, cand in enumerate(verdicts.get("candidate", []), 1):
        lines += [f"### {n}. {cand['title']}", "", cand["verdict"], "",
                  f"Reproduction: `python docs/conformance/{cand['script']}`", ""]
        if cand["script"] in repros:
            lines += ["```text", repros[cand["script"]], "```", ""]
    lines += _matrix(results, impls)
    return "\n".join(lines), untriaged
