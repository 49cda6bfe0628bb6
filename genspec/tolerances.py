"""Named numerical tolerances, per dtype, each with the reason for its size.

This table is the only place a comparison tolerance is written down. A check asks for a *kind* of
comparison and gets the tolerance for the dtype it computed in; the expected value is always an
independent float64 oracle, so the tolerance measures the implementation's own round-off.

The float32 rows are sized from the unit round-off u = 2**-24 ≈ 6e-8 times a modest condition
factor; the float64 rows from u = 2**-53 ≈ 1.1e-16 in the same way. None of them is loose enough
for a realistic bug (a factor 2, a missing ½, a sign, a missing log 2π, a mean instead of a sum)
to pass: the catalogue in ``bugs/`` checks that.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class Tolerance:
    """``|actual − expected| ≤ atol + rtol · |expected|``, elementwise."""

    rtol: float
    atol: float
    reason: str


_F64 = torch.float64
_F32 = torch.float32
_F16 = torch.float16
_BF16 = torch.bfloat16

TOLERANCES: dict[str, dict[torch.dtype, Tolerance]] = {
    "elementwise": {
        _F64: Tolerance(1e-12, 1e-12, "a closed form of a few operations: a few hundred ulps"),
        _F32: Tolerance(1e-5, 1e-6, "a closed form of a few operations, float32 ulp 6e-8 × ~100"),
        _F16: Tolerance(2e-3, 1e-3, "half precision ulp 4.9e-4 × ~4"),
        _BF16: Tolerance(1.6e-2, 1e-2, "bfloat16 ulp 3.9e-3 × ~4"),
    },
    "reduction": {
        _F64: Tolerance(1e-10, 1e-10, "sums over up to ~10^3 terms with cancellation: D · ulp · κ"),
        _F32: Tolerance(1e-4, 1e-4, "float32 sums over up to ~10^3 terms with cancellation"),
        _F16: Tolerance(1e-2, 1e-2, "half-precision sums"),
        _BF16: Tolerance(5e-2, 5e-2, "bfloat16 sums"),
    },
    "gradient": {
        _F64: Tolerance(1e-9, 1e-10, "autograd vs closed-form derivative: a few chained products"),
        _F32: Tolerance(1e-4, 1e-5, "float32 autograd vs closed-form derivative"),
    },
    "roundtrip": {
        _F64: Tolerance(1e-10, 1e-10, "f⁻¹(f(x)) through several layers; relative to intermediates"),
        _F32: Tolerance(1e-4, 1e-4, "float32 round trip through several MLP-shifted layers"),
    },
    "logdet": {
        _F64: Tolerance(1e-8, 1e-8, "log|det J| by autograd Jacobian + slogdet (LU) vs analytic"),
        _F32: Tolerance(1e-3, 1e-3, "float32 log-determinant summed over D coordinates"),
    },
    "identity": {
        _F64: Tolerance(1e-9, 1e-9, "an algebraic identity between two float64 computations of "
                        "O(10–1000) magnitude (ELBO + KL = log p(x) and the like)"),
        _F32: Tolerance(1e-3, 1e-3, "the same identity computed in float32"),
    },
    "quadrature": {
        _F64: Tolerance(1e-6, 1e-7, "scipy.integrate.quad / dblquad with epsabs ≈ 1e-9 on smooth "
                        "integrands; the integrator's own error estimate is below this"),
    },
    "tempered_softmax": {
        _F64: Tolerance(1e-10, 1e-300, "softmax(z) with z = (logits + g) / tau: per-entry relative "
                        "error ≈ 4·u·max|z|, max|z| ≤ 5e4 (tau ≥ 1e-3); atol: below the normal range"),
        _F32: Tolerance(1e-4, 1e-30, "the same in float32 with max|z| ≤ 150 (tau ≥ 0.25, |logits| ≤ 10): "
                        "4 · 6e-8 · 150 ≈ 4e-5; atol: subnormal or flushed entries below 1e-38"),
    },
    "concrete_log_density": {
        _F64: Tolerance(1e-12, 1e-9, "log density as a sum of K ≤ 6 terms of size (tau + 1)|log y| ≤ 2e3 "
                        "(y ≥ 1e-300): cancellation leaves ~1e4 · u absolute error"),
        _F32: Tolerance(1e-5, 2e-3, "the same in float32: terms up to 3 · 87 (y ≥ 1e-38, tau ≤ 2), "
                        "K ≤ 6: ~1.6e3 · 6e-8 · 20"),
    },
    "grid_quadrature": {
        _F64: Tolerance(0.0, 2e-3, "trapezoid rule on a 401² grid of a 2-D flow density with ReLU kinks, "
                        "plus the mass outside the grid (< 4e-6): measured ≤ 4.2e-4 over 40 random models; "
                        "a wrong constant or logdet moves the integral by far more"),
    },
    "density_grid_quadrature": {
        _F64: Tolerance(0.0, 1e-3, "protocol check of any flow (genspec.protocols.flow_density): trapezoid rule "
                        "for exp(log_prob) on 2001 (D = 1) or 151² (D = 2) points uniform in asinh coordinates, "
                        "reaching twice the farthest of 4000 draws: measured ≤ 2e-5 (reference NICEs, foreign "
                        "RealNVP and MAF) and ≤ 1.1e-4 (a heavy-tailed torch TransformedDistribution) over 15 "
                        "seeds each; a missing constant or a logdet of the wrong sign moves it by ≥ 1e-2"),
    },
    # --- the numerics tier (genspec.numerics.assert_numerics): relative to |truth| + the size of the
    # terms summed; atol is the dtype's smallest normal number (a result below it may be flushed to 0).
    "edge_elementwise": {
        _F64: Tolerance(1e-14, 2.3e-308, "a closed form of a few operations (exp, log1p, a product, a sum) "
                        "at the dtype's edges: ~8 roundings of 1.1e-16 × 10"),
        _F32: Tolerance(4e-6, 1.2e-38, "the same in float32: ~8 roundings of 6e-8 × 8"),
        _BF16: Tolerance(8e-3, 1.2e-38, "computed wider and rounded once to bfloat16 (2^-9), plus the "
                         "bfloat16 inputs' own spacing amplified by a condition of ~2"),
        _F16: Tolerance(1e-3, 6.2e-5, "computed wider and rounded once to float16 (2^-12), margin ×4"),
    },
    "edge_reduction": {
        _F64: Tolerance(5e-14, 2.3e-308, "a sum of up to ~30 such terms: error ≤ n·u of the summed magnitudes"),
        _F32: Tolerance(2e-5, 1.2e-38, "the same in float32 (n ≤ 30, u = 6e-8, × 10)"),
        _BF16: Tolerance(2e-2, 1.2e-38, "summed wider, rounded once to bfloat16; a few input ulps"),
        _F16: Tolerance(4e-3, 6.2e-5, "summed wider, rounded once to float16; a few input ulps"),
    },
    "edge_gradient": {
        _F64: Tolerance(5e-14, 2.3e-308, "an autograd chain of a few products and exps at the edges"),
        _F32: Tolerance(1e-5, 1.2e-38, "the same in float32: ~16 roundings of 6e-8 × 10"),
        _BF16: Tolerance(2e-2, 1.2e-38, "the same with the bfloat16 result's rounding"),
        _F16: Tolerance(4e-3, 6.2e-5, "the same with the float16 result's rounding"),
    },
    "edge_linear_algebra": {
        _F64: Tolerance(1e-11, 2.3e-308, "Cholesky solves of K ≤ 3 matrices with condition ≤ 1e3: κ·u·30"),
        _F32: Tolerance(2e-5, 1.2e-38, "the same solved in float32 arithmetic would need κ·u·30 = 2e-3; "
                        "solved in float64 and rounded once, a few float32 ulps"),
    },
    "edge_log_density": {
        _F64: Tolerance(1e-13, 2.3e-308, "log Concrete density: K ≤ 6 log-softmax terms, each a shifted "
                        "difference and a log of a sum of ≤ 6 exps: ~50 roundings"),
        _F32: Tolerance(1e-5, 1.2e-38, "the same in float32: ~50 roundings of 6e-8 × 3"),
    },
}


def tolerance(kind: str, dtype: torch.dtype) -> Tolerance:
    """The tolerance for a comparison of ``kind`` computed in ``dtype``."""
    try:
        row = TOLERANCES[kind]
    except KeyError:
        raise ValueError(f"kind={kind!r} is not a tolerance kind; known: {sorted(TOLERANCES)}") from None
    if dtype not in row:
        raise ValueError(f"dtype={dtype} has no {kind!r} tolerance; known: {sorted(map(str, row))}")
    return row[dtype]
