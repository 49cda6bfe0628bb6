"""The statistics of ``scripts/false_alarms.py``: rejections per item with Clopper-Pearson bounds, the
uniformity of recorded p-values, the suite-level false-alarm rate against the declared α, and merging
the raw records of several runs.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from pathlib import Path
from typing import Any

def _p_values(evidence: list[dict[str, Any]]) -> dict[str, float]:
    """The recorded p-values of one item, keyed by the labels recorded with them."""
    out: dict[str, float] = {}
    for ev in evidence:
        if "p_value" not in ev:
            continue
        try:
            p = float(ev["p_value"])
        except (TypeError, ValueError):
            continue
        label = ",".join(f"{k}={ev[k]}" for k in ("kl", "check", "estimator", "parameter") if k in ev)
        out[label or "-"] = p
    return out


def clopper_pearson_upper(k: int, n: int, conf: float = 0.95) -> float:
    from scipy.stats import beta

    return 1.0 if k >= n else float(beta.ppf(conf, k + 1, n - k))


def analyse(records: list[dict[str, Any]], conf: float) -> tuple[str, list[dict[str, Any]]]:
    from scipy import stats as ss

    designs: dict[str, dict[str, Any]] = {}
    outcomes: dict[str, list[str]] = defaultdict(list)
    pvals: dict[tuple[str, str], list[float]] = defaultdict(list)
    for r in records:
        designs.update(r["designs"])
        for nodeid, e in r["items"].items():
            if nodeid not in r["designs"]:
                continue
            outcomes[nodeid].append(e["outcome"])
            for label, p in _p_values(e["evidence"]).items():
                pvals[(nodeid, label)].append(p)
    rows = []
    n_items = max(len(outcomes), 1)
    for nodeid in sorted(outcomes):
        d = designs.get(nodeid, {})
        alpha = float(d.get("alpha", float("nan")))
        outs = [o for o in outcomes[nodeid] if o != "skipped"]
        n = len(outs)
        k = sum(o == "failed" for o in outs)
        upper = clopper_pearson_upper(k, n, conf) if n else float("nan")
        # one-sided exact binomial test of H0: rate <= alpha
        p_binom = float(ss.binomtest(k, n, alpha, alternative="greater").pvalue) if n else float("nan")
        subs = []
        for (nid, label), ps in sorted(pvals.items()):
            if nid != nodeid:
                continue
            arr = [p for p in ps if math.isfinite(p)]
            distinct = len(set(arr))
            ks = float(ss.kstest(arr, "uniform").pvalue) if len(arr) >= 20 and distinct > 0.5 * len(arr) else None
            subs.append({"label": label, "m": len(arr),
                         "r05": sum(p <= 0.05 for p in arr) / len(arr) if arr else float("nan"),
                         "r01": sum(p <= 0.01 for p in arr) / len(arr) if arr else float("nan"),
                         "ks_p": ks, "discrete": distinct <= 0.5 * len(arr)})
        rows.append({"nodeid": nodeid, "alpha": alpha, "n_design": d.get("n"), "seeds": n, "rejections": k,
                     "rate": k / n if n else float("nan"), "upper": upper, "p_binom": p_binom,
                     # Bonferroni over the items: with dozens of items, some item at 95% each would
                     # look inconsistent by chance alone
                     "consistent": (p_binom > (1 - conf) / n_items) if n else None, "pvalues": subs})
    lines = [f"| item | α | seeds | rejections | rate | {int(conf * 100)}% upper bound | consistent with α | "
             "recorded p-value | rate p≤0.05 | rate p≤0.01 | KS uniformity p |",
             "|---|---:|---:|---:|---:|---:|---|---|---:|---:|---:|"]
    for row in rows:
        subs = row["pvalues"] or [{"label": "(none recorded)", "r05": float("nan"), "r01": float("nan"),
                                   "ks_p": None, "discrete": False}]
        for i, s in enumerate(subs):
            head = (f"| `{row['nodeid']}` | {row['alpha']:.1e} | {row['seeds']} | {row['rejections']} | "
                    f"{row['rate']:.4f} | {row['upper']:.4f} | {'yes' if row['consistent'] else 'NO'} "
                    if i == 0 else "| ″ | | | | | | ")
            ks = "discrete" if s["discrete"] else ("–" if s["ks_p"] is None else f"{s['ks_p']:.3f}")
            lines.append(head + f"| {s['label']} | {s['r05']:.3f} | {s['r01']:.3f} | {ks} |")
    return "\n".join(lines) + "\n\n" + suite_level(records, designs, conf), rows


def suite_level(records: list[dict[str, Any]], designs: dict[str, dict[str, Any]], conf: float) -> str:
    """The family-wise view: the share of seeds at which *any* statistical item rejects, against Σα.

    The suite's claim is that a run raises a false alarm with probability at most Σα (a union bound
    over its items); this is the one rate that a user of the default run experiences.
    """
    from scipy import stats as ss

    total_alpha = sum(float(d.get("alpha", 0.0)) for d in designs.values())
    runs = [r for r in records if any(nid in designs for nid in r["items"])]
    alarms = [r["seed"] for r in runs if any(e["outcome"] == "failed" for nid, e in r["items"].items()
                                             if nid in designs)]
    n, k = len(runs), len(alarms)
    upper = clopper_pearson_upper(k, n, conf) if n else float("nan")
    p = float(ss.binomtest(k, n, min(total_alpha, 1.0), alternative="greater").pvalue) if n else float("nan")
    return (f"**Suite level**: {k} of {n} simulated runs had a rejection by any statistical item "
            f"(seeds: {', '.join(map(str, alarms)) or 'none'}); rate {k / n if n else float('nan'):.4f}, "
            f"{int(conf * 100)}% upper bound {upper:.4f}; the declared Σα = {total_alpha:.2e} "
            f"(expected {n * total_alpha:.2f} runs with an alarm); one-sided exact binomial p = {p:.3f} "
            f"({'consistent' if p > 1 - conf else 'INCONSISTENT'} with a false-alarm rate ≤ Σα).")


def merge_records(paths: list[Path]) -> list[dict[str, Any]]:
    """The per-seed records of several raw files; a later file's items replace an earlier one's.

    This lets a re-run of a few changed items (``calibrate --items ...``) update a full calibration.
    """
    by_seed: dict[int, dict[str, Any]] = {}
    for path in paths:
        for line in path.read_text().splitlines():
            if not line.strip():
                continue
            rec = json.loads(line)
            old = by_seed.setdefault(rec["seed"], {"seed": rec["seed"], "wall_s": 0.0, "items": {}, "designs": {}})
            replaced = set(rec["designs"])
            old["items"] = {k: v for k, v in old["items"].items() if k not in replaced} | rec["items"]
            old["designs"] = {k: v for k, v in old["designs"].items() if k not in replaced} | rec["designs"]
            old["wall_s"] += rec["wall_s"]
    return [by_seed[s] for s in sorted(by_seed)]
