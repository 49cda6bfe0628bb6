"""Comparison helpers that fail with a useful message and leave evidence for the report.

``assert_close`` compares an implementation's result with a float64 oracle under a named tolerance
(``genspec.tolerances``). On failure the message names the property, the worst element, expected
vs got, and the error against the tolerance (STYLE.md habit 9). Whether it passes or not, the
largest error/tolerance ratio is recorded as evidence for ``genspec check``'s report.
"""

from __future__ import annotations

import math
from typing import Any

import torch

from genspec.tolerances import tolerance

_EVIDENCE: list[dict[str, Any]] = []


def reset_evidence() -> list[dict[str, Any]]:
    """Start a fresh evidence list (the plugin calls this before each test) and return the old one."""
    global _EVIDENCE
    old, _EVIDENCE = _EVIDENCE, []
    return old


def current_evidence() -> list[dict[str, Any]]:
    """The evidence recorded so far in the current test."""
    return _EVIDENCE


def _plain(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().tolist() if value.numel() <= 16 else f"tensor{tuple(value.shape)}"
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        return value.item()
    return value


def record(**evidence: Any) -> None:
    """Attach numbers (p-values, sample sizes, measured errors) to the current test's report entry."""
    _EVIDENCE.append({k: _plain(v) for k, v in evidence.items()})


def assert_close(
    actual: torch.Tensor,
    expected: torch.Tensor | float,
    *,
    kind: str,
    what: str,
    dtype: torch.dtype | None = None,
) -> None:
    """Assert ``|actual − expected| ≤ atol + rtol·|expected|`` elementwise under tolerance ``kind``.

    Args:
        actual: the implementation's result, any shape ``(*S)``.
        expected: the oracle, broadcastable to ``(*S)``; compared in float64.
        kind: a row of ``genspec.tolerances.TOLERANCES``.
        what: the property in words, for the failure message.
        dtype: the dtype whose tolerance applies (default: ``actual.dtype``).
    """
    if not isinstance(actual, torch.Tensor):
        raise AssertionError(f"{what}: expected a torch.Tensor, got {type(actual).__name__}: {actual!r}")
    tol = tolerance(kind, dtype or actual.dtype)
    got = actual.detach().to(device="cpu", dtype=torch.float64)
    if isinstance(expected, torch.Tensor):
        exp = expected.detach().to(device="cpu", dtype=torch.float64)
    else:  # a Python number: straight to float64, never through float32
        exp = torch.as_tensor(expected, dtype=torch.float64)
    try:
        got_b, exp_b = torch.broadcast_tensors(got, exp)
    except RuntimeError:
        raise AssertionError(
            f"{what}: shape {tuple(actual.shape)} does not fit the expected shape {tuple(exp.shape)}"
        ) from None
    if got_b.shape != got.shape:
        raise AssertionError(f"{what}: shape {tuple(actual.shape)}, expected {tuple(exp.shape)}")
    bad_nan = torch.isnan(got_b) & ~torch.isnan(exp_b)
    err = (got_b - exp_b).abs()
    err = torch.where(torch.isnan(err) & torch.isnan(got_b) & torch.isnan(exp_b), torch.zeros_like(err), err)
    same_inf = torch.isinf(got_b) & torch.isinf(exp_b) & (got_b == exp_b)
    err = torch.where(same_inf, torch.zeros_like(err), err)
    allowed = tol.atol + tol.rtol * exp_b.abs().nan_to_num(posinf=0.0)
    ratio = (err / allowed).nan_to_num(nan=math.inf)
    ratio = torch.where(bad_nan, torch.full_like(ratio, math.inf), ratio)
    worst = float(ratio.max()) if ratio.numel() else 0.0
    record(check=what, kind=kind, dtype=str(dtype or actual.dtype), max_error_over_tolerance=worst)
    if worst <= 1.0:
        return
    idx = int(ratio.flatten().argmax())
    pos = tuple(int(i) for i in torch.unravel_index(torch.tensor(idx), ratio.shape)) if ratio.dim() else ()
    g, e = got_b.flatten()[idx].item(), exp_b.flatten()[idx].item()
    raise AssertionError(
        f"{what}: at index {pos} expected {e!r}, got {g!r}; |error| = {abs(g - e):.3e} > "
        f"tolerance {allowed.flatten()[idx].item():.3e} ({kind}, {tol.reason}); "
        f"{int((ratio > 1).sum())} of {ratio.numel()} elements out of tolerance"
    )
