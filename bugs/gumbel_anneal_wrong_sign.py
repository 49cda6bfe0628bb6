"""anneal_tau grows the temperature: tau0 * exp(+rate * t)."""

from __future__ import annotations

import math

from genspec.reference import *  # noqa: F401,F403

AREA = "gumbel"
TIER = "law"
CAUGHT_BY = "properties/test_anneal.py::test_matches_a_table_walked_step_by_step"
SOURCE = "plausible: the minus sign of exp(-r t) (Jang et al. 2017, Sec. 4.1) lost"


def anneal_tau(step: int, *, tau0: float = 1.0, rate: float = 1e-4, tau_min: float = 0.5, every: int = 1000) -> float:
    if step < 0 or every < 1 or not (tau0 > 0 and math.isfinite(tau0)) or not (tau_min > 0 and math.isfinite(tau_min)) \
            or not (rate >= 0 and math.isfinite(rate)):
        raise ValueError(f"bad schedule: step={step}, every={every}, tau0={tau0}, tau_min={tau_min}, rate={rate}")
    return max(tau_min, tau0 * math.exp(rate * every * (step // every)))
