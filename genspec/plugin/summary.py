"""The per-area summary: the terminal table at the end of a run and the report it writes."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from genspec.plugin import options
from genspec.plugin.state import contract_missing, run_state
from genspec.report import failure_lines, summarize, table_lines
from genspec.stats import SUITE_ALPHA, total_alpha

def terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    state = run_state(config)
    if not state.results or options.get(config, "events"):
        return  # genspec check's parent process prints the verdict
    tr = terminalreporter
    tr.write_sep("=", f"genspec conformance: {state.impl.name if state.impl else '?'}")
    table = summarize(state.results)
    for line in table_lines(table):
        tr.write_line(line)
    ungated = [line for line in failure_lines(state.results) if ", not gated]" in line]
    if ungated:
        tr.write_line(f"failures in tiers that do not gate this run ({len(ungated)}; gated: {', '.join(state.gated)}):")
        for line in ungated:
            tr.write_line("  " + line)
    for area, row in table.items():
        if row["missing"]:
            tr.write_line(f"not provided in {area}: {', '.join(sorted(row['missing']))}")
    if state.designs:
        tr.write_line(f"statistical tests collected: {len(state.designs)}, total alpha "
                      f"{total_alpha(list(state.designs.values())):.2e} (suite budget {SUITE_ALPHA:.0e})")
    tr.write_line(f"spec-seed {state.seed}, profile {state.profile}: reproduce with "
                  f"--genspec-seed={state.seed} --genspec-profile={state.profile}")


def write_report_at_finish(session: pytest.Session, exitstatus: int) -> None:
    """``--genspec-report=DIR``: write ``report.json`` and ``report.md`` at the end of the run."""
    config = session.config
    out = options.get(config, "report")
    if not out:
        return
    import hypothesis
    import scipy
    import torch

    from genspec.report import write_report

    state = run_state(config)
    write_report(
        Path(out),
        implementation=state.impl.name if state.impl else "?",
        versions={"torch": torch.__version__, "hypothesis": hypothesis.__version__, "scipy": scipy.__version__},
        seed=state.seed,
        profile=state.profile,
        devices=state.devices,
        results=state.results,
        summary=summarize(state.results),
        exitstatus=int(exitstatus),
        elapsed_s=time.time() - state.started,
        contract_missing=contract_missing(state),
    )
