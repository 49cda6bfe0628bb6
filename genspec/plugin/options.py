"""The plugin's command-line options: one namespaced name each, short aliases in genspec's checkout.

Every option is registered as ``--genspec-<name>`` with the destination ``genspec_<name>``, so that
loading the plugin into someone else's pytest run (``pytest -p genspec.plugin``) cannot collide with
their own ``--device`` or ``--runslow``. genspec's own checkout registers the short spellings it has
always used (``--impl``, ``--device``, ``--spec-seed``, ...) as aliases of the same destinations from
its root ``conftest.py`` (:func:`add_checkout_aliases`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from genspec import AREAS

PROFILES: tuple[str, ...] = ("dev", "ci", "thorough")


@dataclass(frozen=True)
class Option:
    """One option: its namespaced name, its checkout alias (if any) and its argparse settings."""

    name: str
    alias: str | None
    help: str
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def dest(self) -> str:
        return "genspec_" + self.name.replace("-", "_")

    @property
    def flag(self) -> str:
        return "--genspec-" + self.name


OPTIONS: tuple[Option, ...] = (
    Option("impl", "--impl", "the implementation under test: a module name or a .py path "
           "(default: genspec's reference)", {"default": "reference"}),
    Option("device", "--device", "device for tensor checks: auto = CPU plus CUDA when available",
           {"default": "auto", "choices": ("auto", "cpu", "cuda")}),
    Option("seed", "--spec-seed", "seed of every torch generator and of Hypothesis: an integer or 'random'",
           {"default": "0"}),
    Option("profile", "--spec-profile", "Hypothesis profile: dev (default), ci (default when CI is set), thorough",
           {"default": None, "choices": PROFILES}),
    Option("run-slow", "--run-slow", "include checks marked slow", {"action": "store_true"}),
    Option("area", "--area", "comma-separated spec areas to run (default: all): " + ", ".join(AREAS),
           {"default": None}),
    Option("report", None, "write the conformance report (report.json, report.md) to DIR",
           {"default": None, "metavar": "DIR"}),
    Option("timeout", None, "fail a check that runs longer than S seconds (0: no limit)",
           {"default": 0.0, "type": float, "metavar": "S"}),
    Option("shrink", None, "Hypothesis shrinking of falsifying examples: on (default) or off (faster verdicts)",
           {"default": "on", "choices": ("on", "off")}),
    Option("tiers", None, "tiers whose failures fail the run: a comma list of law, numerics, validation, or "
           "'all'; default auto: all for genspec's reference, law and numerics for any other implementation",
           {"default": "auto", "metavar": "TIERS"}),
    Option("strict", None, "every tier's failures fail the run (--genspec-tiers=all)", {"action": "store_true"}),
    Option("select-tier", None, "run only the checks of this tier (the catalogue runner uses it)",
           {"default": None, "choices": ("law", "numerics", "validation")}),
    Option("events", None, "append one JSON line per event (start, each check, finish) to PATH; "
           "genspec check reads it", {"default": None, "metavar": "PATH"}),
    Option("skip-file", None, "a file of test ids (one per line) not to run; genspec check uses it to resume",
           {"default": None, "metavar": "PATH"}),
)


def add_options(parser: pytest.Parser) -> None:
    """Register the namespaced options (``pytest_addoption`` of the plugin)."""
    group = parser.getgroup("genspec", "genspec specification suite")
    for option in OPTIONS:
        group.addoption(option.flag, dest=option.dest, help=option.help, **option.settings)


def add_checkout_aliases(parser: pytest.Parser) -> None:
    """Register the short spellings used inside genspec's own checkout (its root ``conftest.py``)."""
    group = parser.getgroup("genspec", "genspec specification suite")
    for option in OPTIONS:
        if option.alias:
            group.addoption(option.alias, dest=option.dest, help=f"alias of {option.flag}", **option.settings)


def get(config: pytest.Config, name: str) -> Any:
    """The value of option ``name`` (its namespaced name without ``--genspec-``)."""
    return config.getoption("genspec_" + name.replace("-", "_"))
