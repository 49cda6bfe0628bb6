"""Invalid arguments shared by the validation checks.

``spec-api.md``, Conventions and Errors: an invalid argument raises ``ValueError`` naming the
argument — a temperature that is not a positive finite number, NaN or +inf in logits, a row of logits
that is all -inf (nothing can be drawn), an option that is not a real number (a string, None, a bool,
an int beyond the float range) — and an object of the wrong type (a ``generator`` that is not a
``torch.Generator``) raises ``TypeError`` naming it. The cases here are pytest parameters with
readable ids; ``scripts/bad_input_matrix.py`` runs the same kinds over every contract name.
"""

from __future__ import annotations

import math

import pytest
import torch

__all__ = ["BAD_TAUS", "LOGITS", "NOT_GENERATORS", "NOT_NUMBERS", "bad_logits", "bad_tensor_taus", "simplex_points"]

BAD_TAUS = [0.0, -1.0, math.nan, math.inf, -math.inf]
NOT_NUMBERS = [pytest.param(v, id=i) for v, i in (("0.5", "str"), (None, "None"), (True, "bool"),
                                                  (10**400, "int-beyond-float"), (0.5j, "complex"))]
"""Options that are not real numbers: ``ValueError`` naming the argument (spec-api.md, Errors)."""
NOT_GENERATORS = [pytest.param(v, id=i) for v, i in ((3, "int"), ("seed", "str"), (0.5, "float"))]
"""Generators that are not a ``torch.Generator`` (nor None): ``TypeError`` naming ``generator``."""
LOGITS = torch.tensor([[0.5, -1.0, 2.0], [0.0, 0.0, 0.0]], dtype=torch.float64)


def bad_logits() -> list:
    nan = LOGITS.clone()
    nan[0, 1] = math.nan
    pos_inf = LOGITS.clone()
    pos_inf[1, 2] = math.inf
    all_neg_inf = LOGITS.clone()
    all_neg_inf[1] = -math.inf
    return [pytest.param(nan, id="nan"), pytest.param(pos_inf, id="+inf"),
            pytest.param(all_neg_inf, id="all-neg-inf-row")]


def simplex_points() -> torch.Tensor:
    return torch.tensor([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]], dtype=torch.float64)


def bad_tensor_taus() -> list:
    """Tensor temperatures ``(2, 1)`` with one bad entry (the other row's 0.5 is fine), and an empty one."""
    cases = [pytest.param(torch.tensor([[0.5], [bad]], dtype=torch.float64), id=f"tensor-{bad}") for bad in BAD_TAUS]
    return cases + [pytest.param(torch.ones(0, dtype=torch.float64), id="tensor-empty")]
