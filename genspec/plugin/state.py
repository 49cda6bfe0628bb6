"""The run's state: implementation, seed, profile, devices and results; one object per pytest config.

:func:`run_state` is the public accessor (scripts such as ``scripts/false_alarms.py`` use it to
change the seed between repetitions); everything else in the plugin reads and writes this object.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import sys
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

import pytest

from genspec import GATED_BY_DEFAULT, TIERS
from genspec.contract import missing_names, provides_any
from genspec.implementation import Implementation
from genspec.plugin import options
from genspec.stats import Design

_KEY = pytest.StashKey["RunState"]()

NOTHING_PROVIDED = "provides none of the contract"


@dataclass
class RunState:
    """What one pytest run of the suite knows about itself."""

    impl: Implementation | None = None
    seed: int = 0
    seed_was_random: bool = False
    profile: str = "dev"
    shrink: bool = True
    devices: list[str] = field(default_factory=lambda: ["cpu"])
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    designs: dict[str, Design] = field(default_factory=dict)
    started: float = field(default_factory=time.time)
    previous_profile: str = "default"
    impl_error: str | None = None
    gated: tuple[str, ...] = TIERS
    features: dict[str, bool] = field(default_factory=dict)


def run_state(config: pytest.Config) -> RunState:
    """The :class:`RunState` of a pytest run that loaded the genspec plugin."""
    try:
        return config.stash[_KEY]
    except KeyError:
        raise RuntimeError("this pytest run did not load the genspec plugin (-p genspec.plugin)") from None


def find_state(config: pytest.Config) -> RunState | None:
    """The run state, or None when the plugin's configuration has not built one (yet)."""
    return config.stash.get(_KEY, None)


def derive_seed(spec_seed: int, key: str) -> int:
    """A 63-bit seed for ``key`` (a test id, say) derived from the run's seed."""
    digest = hashlib.sha256(f"{spec_seed}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "little") >> 1


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _seed_given(config: pytest.Config) -> bool:
    flags = ("--spec-seed", "--genspec-seed")
    return any(str(a).startswith(flags) for a in config.invocation_params.args)


def configure(config: pytest.Config) -> RunState:
    """Build the run's state from the options (``pytest_configure``); raise UsageError on bad input."""
    import torch

    from genspec.plugin import profiles

    state = RunState()
    config.stash[_KEY] = state
    state.profile = options.get(config, "profile") or ("ci" if _in_ci() else "dev")
    state.shrink = options.get(config, "shrink") == "on"
    raw_seed = str(options.get(config, "seed"))
    if raw_seed == "random" or (state.profile == "thorough" and raw_seed == "0" and not _seed_given(config)):
        state.seed = secrets.randbits(31) or 1
        state.seed_was_random = True
    else:
        try:
            state.seed = int(raw_seed)
        except ValueError:
            raise pytest.UsageError(f"--genspec-seed={raw_seed!r} is neither an integer nor 'random'") from None
        if state.seed < 0:
            raise pytest.UsageError(f"--genspec-seed={state.seed} must be non-negative")
    if options.get(config, "timeout") < 0:
        raise pytest.UsageError(f"--genspec-timeout={options.get(config, 'timeout')} must be >= 0")

    state.previous_profile = profiles.load(state.profile, seed=state.seed, shrink=state.shrink)
    if state.seed != 0:
        config.option.hypothesis_seed = str(state.seed)

    device = options.get(config, "device")
    if device == "cuda" and not torch.cuda.is_available():
        raise pytest.UsageError("--genspec-device=cuda but torch.cuda.is_available() is False")
    state.devices = (["cpu"] + (["cuda"] if torch.cuda.is_available() else [])) if device == "auto" else [device]

    # Like `python -m`, let the implementation be a module in the directory pytest was started from.
    invocation_dir = str(config.invocation_params.dir)
    if invocation_dir not in sys.path:
        sys.path.append(invocation_dir)
    spec = options.get(config, "impl")
    try:
        state.impl = Implementation(spec)
    except ValueError as exc:
        state.impl_error = str(exc)
        raise pytest.UsageError(str(exc)) from None
    except Exception as exc:  # the implementation raised while being imported
        state.impl_error = "".join(traceback.format_exception(exc))
        raise pytest.UsageError(
            f"impl={spec!r} raised {type(exc).__name__} while being imported: {exc}\n{state.impl_error}"
        ) from None
    state.gated = _gated_tiers(config, state.impl.name)
    if not provides_any(state.impl.module):
        state.impl_error = NOTHING_PROVIDED
        raise pytest.UsageError(
            f"impl={spec!r} provides none of the contract's names (docs/spec-api.md): nothing can be checked"
        )
    from genspec.features import supported

    try:
        state.features = supported(state.impl.module)
    except ValueError as exc:
        raise pytest.UsageError(f"impl={spec!r}: {exc}") from None
    return state


def is_reference(spec: str) -> bool:
    """Whether ``--genspec-impl=spec`` names genspec's own reference (judged strictly, every tier)."""
    from genspec.implementation import resolve

    return resolve(spec) == "genspec.reference"


def _gated_tiers(config: pytest.Config, spec: str) -> tuple[str, ...]:
    raw = "all" if options.get(config, "strict") else str(options.get(config, "tiers"))
    if raw == "auto":
        return TIERS if is_reference(spec) else GATED_BY_DEFAULT
    if raw == "all":
        return TIERS
    tiers = tuple(t.strip() for t in raw.split(",") if t.strip())
    unknown = set(tiers) - set(TIERS)
    if unknown or not tiers:
        raise pytest.UsageError(f"--genspec-tiers={raw!r}: unknown tier(s) {sorted(unknown)}; known: {', '.join(TIERS)}")
    return tiers


def contract_missing(state: RunState) -> dict[str, list[str]]:
    """Per area, the contract names the implementation does not define."""
    return missing_names(state.impl.module) if state.impl else {}
