"""genspec's Hypothesis profiles, registered and loaded only in runs that load the plugin.

``dev``: 12 derandomized examples per property (the default run's 60 s budget); ``ci``: 30, derandomized; ``thorough``: 1000, random.
Every profile has no deadline (the suite's speed is measured in benchmarks, never in tests) and no
example database (a run must not depend on an earlier one). Seed 0 is the derandomized run under every
profile; another seed randomizes Hypothesis with that seed. With ``shrink="off"`` a falsifying example
is reported as found, unshrunk: a broken implementation is judged in seconds, not minutes.
"""

from __future__ import annotations

from typing import Any


def load(profile: str, *, seed: int, shrink: bool) -> str:
    """Register genspec's profiles, load the one for this run, return the profile that was current."""
    from hypothesis import HealthCheck, Phase, settings

    previous = settings.get_current_profile_name()
    common: dict[str, Any] = dict(deadline=None, database=None, print_blob=True)
    settings.register_profile("genspec-dev", max_examples=12, derandomize=True, **common)
    settings.register_profile(
        "genspec-ci", parent=settings.get_profile("ci"), max_examples=30, derandomize=True,
        suppress_health_check=[HealthCheck.too_slow], **common,
    )
    settings.register_profile(
        "genspec-thorough", max_examples=1000, derandomize=False,
        suppress_health_check=[HealthCheck.too_slow], **common,
    )
    base = settings.get_profile(f"genspec-{profile}")
    phases = tuple(base.phases) if shrink else tuple(p for p in base.phases if p not in (Phase.shrink, Phase.explain))
    name = f"genspec-{profile}-seed{'0' if seed == 0 else 'N'}-shrink{'on' if shrink else 'off'}"
    # Seed 0 is the derandomized run; another seed randomizes Hypothesis with that seed.
    settings.register_profile(name, parent=base, derandomize=seed == 0, phases=phases)
    settings.load_profile(name)
    return previous


def restore(previous: str) -> None:
    """Load the profile that was current before this run (pytest may run in-process)."""
    from hypothesis import settings

    settings.load_profile(previous)
