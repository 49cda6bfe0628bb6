"""anneal_tau multiplies tau by the rate itself at each update: tau0 * rate^n, floored.

With Jang et al.'s rate of the order 1e-4 the first update sends tau straight to tau_min.
"""

from __future__ import annotations

import math

from genspec.reference import *  # noqa: F401,F403

AREA = "gumbel"
TIER = "law"
CAUGHT_BY = "properties/test_anneal.py::test_matches_a_table_walked_step_by_step"
SOURCE = ("EderSantana/gumbel#2 (fixing anneal rate: the notebook set tau to max(tau * .0003, .5) "
          "each epoch, so tau fell from 5.0 to the floor 0.5 after the first epoch and stayed there)")


def anneal_tau(step: int, *, tau0: float = 1.0, rate: float = 1e-4, tau_min: float = 0.5, every: int = 1000) -> float:
    if step < 0 or every < 1 or not (tau0 > 0 and math.isfinite(tau0)) or not (tau_min > 0 and math.isfinite(tau_min)) \
            or not (rate >= 0 and math.isfinite(rate)):
        raise ValueError(f"bad schedule: step={step}, every={every}, tau0={tau0}, tau_min={tau_min}, rate={rate}")
    return max(tau_min, tau0 * rate ** (step // every))  # BUG: the rate used as the decay factor
