"""anneal_tau converts its counters with int(): a one-element tensor, a bool tensor and a float tensor
are all taken as a step (int(torch.tensor([3])) = 3, int(torch.tensor(True)) = 1, int(torch.tensor(3.7)) = 3).

A float or a batch of steps passed by mistake gives a temperature instead of an error.
"""

from __future__ import annotations

from genspec.reference import *  # noqa: F401,F403
from genspec.reference import anneal as _anneal

AREA = "gumbel"
TIER = "validation"
CAUGHT_BY = "properties/test_anneal.py::test_anneal_tau_rejects_bad_arguments"
SOURCE = ("plausible: `step = int(step)` to accept an optimizer's tensor step counter, the usual one-line "
          "conversion, which takes any one-element tensor of any dtype")


def anneal_tau(step: int, *, tau0: float = 1.0, rate: float = 1e-4, tau_min: float = 0.5, every: int = 1000) -> float:
    return _anneal.anneal_tau(int(step), tau0=tau0, rate=rate, tau_min=tau_min, every=int(every))  # BUG: int()
