"""Tests of ``genspec.checks`` and ``genspec.tolerances``: comparisons that can fail, and say why."""

from __future__ import annotations

import math

import pytest
import torch

from genspec import checks
from genspec.tolerances import TOLERANCES, tolerance


def test_every_tolerance_has_a_reason_and_is_tighter_in_float64() -> None:
    for kind, row in TOLERANCES.items():
        for dtype, tol in row.items():
            assert tol.reason and tol.rtol < 0.1 and tol.atol < 0.1, (kind, dtype)
        if torch.float32 in row and torch.float64 in row:
            assert row[torch.float64].rtol < row[torch.float32].rtol, kind


@pytest.mark.parametrize("factor", [2.0, 0.5, -1.0, 1.0 + 1e-3])
def test_assert_close_rejects_realistic_errors_in_float32(factor: float) -> None:
    expected = torch.linspace(1.0, 5.0, 7, dtype=torch.float64)
    with pytest.raises(AssertionError, match="demo property.*tolerance"):
        checks.assert_close((expected * factor).float(), expected, kind="elementwise", what="demo property")


def test_assert_close_accepts_round_off_and_records_evidence() -> None:
    checks.reset_evidence()
    expected = torch.linspace(1.0, 5.0, 7, dtype=torch.float64)
    checks.assert_close(expected.float(), expected, kind="elementwise", what="rounding")
    (entry,) = checks.current_evidence()
    assert 0 <= entry["max_error_over_tolerance"] <= 1


def test_assert_close_rejects_nan_shape_and_type() -> None:
    with pytest.raises(AssertionError, match="index"):
        checks.assert_close(torch.tensor([1.0, math.nan]), torch.tensor([1.0, 2.0]), kind="elementwise", what="nan")
    with pytest.raises(AssertionError, match="shape"):
        checks.assert_close(torch.zeros(3), torch.zeros(2, 3), kind="elementwise", what="shape")
    with pytest.raises(AssertionError, match="Tensor"):
        checks.assert_close(1.0, torch.zeros(()), kind="elementwise", what="type")  # type: ignore[arg-type]


def test_assert_close_treats_equal_infinities_as_equal() -> None:
    checks.assert_close(torch.tensor([-math.inf]), torch.tensor([-math.inf]), kind="elementwise", what="inf")
    with pytest.raises(AssertionError):
        checks.assert_close(torch.tensor([math.inf]), torch.tensor([-math.inf]), kind="elementwise", what="inf")


def test_unknown_kind_or_dtype_raises() -> None:
    with pytest.raises(ValueError, match="kind"):
        tolerance("nope", torch.float32)
    with pytest.raises(ValueError, match="dtype"):
        tolerance("quadrature", torch.float16)
