r"""The numerics-tier comparison: finite and accurate wherever the true value is, ±inf where it overflows.

``assert_numerics(actual, truth, kind=..., what=...)`` compares an implementation's result with the
true value, computed in float64 (or with mpmath where float64 itself over- or underflows; ``truth``
then holds ±inf for a value beyond float64). For every element, with ``M`` the dtype's largest number
and ``(rtol, atol)`` the tolerance of ``kind`` for the dtype:

- NaN is never right (the inputs are finite numbers);
- ``|truth| > M (1 + rtol)``: the true value overflows the dtype, the result must be ±inf of its sign;
- ``|truth| < M / (1 + rtol)``: the result must be finite and ``|actual - truth| <= atol + rtol (|truth|
  + scale)``, where ``scale`` (default 0) is the size of the terms the result is a sum of: a backward
  stable sum of terms of size S has an error of a few ulps of S, however much the terms cancel;
- in the band between, either is accepted.

A true -inf or +inf (a zero weight, a point outside the support) must come out exactly.
"""

from __future__ import annotations

import math
from typing import Callable

import mpmath
import torch

from genspec.checks import record
from genspec.tolerances import tolerance

__all__ = ["assert_numerics", "assert_never_nan", "mp_map", "MP_PREC"]

MP_PREC = 200
"""mpmath's working precision in bits for the oracles: exponents are unbounded, 200 bits is exact
enough for a float64 comparison of sums of a few dozen terms."""


def mp_map(fn: Callable[..., object], *tensors: torch.Tensor) -> torch.Tensor:
    """``fn`` applied elementwise in mpmath to the broadcast float64 values of ``tensors``; the result
    rounded to float64 (±inf beyond its range)."""
    arrays = torch.broadcast_tensors(*(t.detach().to("cpu", torch.float64) for t in tensors))
    flat = [a.flatten().tolist() for a in arrays]
    with mpmath.workprec(MP_PREC):
        out = [float(fn(*(mpmath.mpf(v) for v in vals))) for vals in zip(*flat)]
    return torch.tensor(out, dtype=torch.float64).reshape(arrays[0].shape)


def assert_never_nan(actual: torch.Tensor, *, what: str) -> None:
    """No NaN from finite inputs."""
    nan = torch.isnan(actual.detach())
    if bool(nan.any()):
        idx = tuple(int(i) for i in torch.nonzero(nan)[0])
        raise AssertionError(f"{what}: NaN from finite inputs at index {idx} ({int(nan.sum())} of {nan.numel()})")


def assert_numerics(
    actual: torch.Tensor,
    truth: torch.Tensor,
    *,
    kind: str,
    what: str,
    dtype: torch.dtype | None = None,
    scale: torch.Tensor | float = 0.0,
) -> None:
    """Assert the numerics-tier contract elementwise (module docstring); record the worst ratio."""
    if not isinstance(actual, torch.Tensor):
        raise AssertionError(f"{what}: expected a torch.Tensor, got {type(actual).__name__}")
    dtype = dtype or actual.dtype
    tol = tolerance(kind, dtype)
    top = float(torch.finfo(dtype).max)
    got = actual.detach().to("cpu", torch.float64)
    exp = torch.as_tensor(truth, dtype=torch.float64).detach().cpu()
    size = torch.as_tensor(scale, dtype=torch.float64).detach().cpu()
    if got.shape != torch.broadcast_shapes(got.shape, exp.shape, size.shape):
        raise AssertionError(f"{what}: shape {tuple(got.shape)} does not fit the true value's {tuple(exp.shape)}")
    exp, size = exp.expand(got.shape), size.expand(got.shape)
    assert_never_nan(got, what=what)
    if bool(torch.isnan(exp).any()):
        raise AssertionError(f"{what}: the oracle is NaN (a bug in the test, not in the implementation)")
    overflow = exp.abs() > top * (1 + tol.rtol)
    band = ~overflow & (exp.abs() > top / (1 + tol.rtol))
    infinite_ok = torch.isinf(got) & (torch.sign(got) == torch.sign(exp))
    allowed = tol.atol + tol.rtol * (exp.abs().nan_to_num(posinf=0.0) + size.nan_to_num(posinf=0.0))
    err = (got - exp).abs()
    close = torch.isfinite(got) & torch.isfinite(exp) & (err <= allowed)
    ok = torch.where(overflow, infinite_ok, close | (band & infinite_ok))
    ratio = torch.where(torch.isfinite(got) & torch.isfinite(exp), err / allowed, torch.zeros_like(err))
    worst = float(ratio.max()) if ratio.numel() else 0.0
    record(check=what, kind=kind, dtype=str(dtype), max_error_over_tolerance=worst,
           overflowing=int(overflow.sum()), elements=got.numel())
    if bool(ok.all()):
        return
    idx = int((~ok).flatten().nonzero()[0])
    pos = tuple(int(i) for i in torch.unravel_index(torch.tensor(idx), got.shape)) if got.dim() else ()
    g, e, a = got.flatten()[idx].item(), exp.flatten()[idx].item(), allowed.flatten()[idx].item()
    if bool(overflow.flatten()[idx]):
        why = f"the true value {e!r} overflows {dtype}: expected {math.copysign(math.inf, e)}, got {g!r}"
    elif not math.isfinite(g):
        why = f"expected the finite {e!r}, got {g!r}"
    else:
        why = f"expected {e!r}, got {g!r}; |error| = {abs(g - e):.3e} > tolerance {a:.3e} ({kind}, {tol.reason})"
    raise AssertionError(f"{what}: at index {pos} {why}; {int((~ok).sum())} of {ok.numel()} elements wrong")


SCAN_DRAWS = 10**8
"""Draws per dtype in a thorough-mode scan: a float32 uniform is 0 (or the largest below 1) once in
2**24 draws, so 1e8 draws meet it 6 times on average; an unguarded ``log u`` goes unseen with
probability exp(-5.96) = 0.26%."""


def scan(draw: Callable[[int], torch.Tensor], n: int = SCAN_DRAWS, *, chunk: int = 2**22,
         check: Callable[[torch.Tensor], torch.Tensor] | None = None) -> tuple[int, int]:
    """Call ``draw(m)`` for chunks of m <= ``chunk`` draws until ``n`` are made; return the number of
    draws seen and of bad ones (not finite, or failing ``check``, a boolean mask of good draws)."""
    seen = bad = 0
    while seen < n:
        out = draw(min(chunk, n - seen))
        good = torch.isfinite(out) if check is None else torch.isfinite(out) & check(out)
        bad += int((~good).sum())
        seen += out.shape[0]
    return seen, bad
