r"""Shared pieces of the errata tests (``errata/test_seed*.py``, ``docs/errata.md``).

An erratum test passes by showing two things: the seed's statement fails, by far more than the
round-off of the computation (:func:`assert_differs`), and the corrected statement holds within the
named tolerance (``genspec.checks.assert_close``).

The closed forms of the scalar linear-Gaussian model give exact float64 oracles for statements about
the ELBO (seeds 001–004)::

    z ~ N(0, 1),   x | z ~ N(a z + b, s2),   q(z) = N(m, v)

    log p(x)          = log N(x; b, a^2 + s2)
    p(z | x)          = N(m*, v*),  v* = s2 / (s2 + a^2),  m* = v* a (x - b) / s2
    E_q log p(x | z)  = -1/2 log(2 pi s2) - ((x - a m - b)^2 + a^2 v) / (2 s2)
    KL(q || p(z))     = 1/2 (v + m^2 - 1 - log v)
    KL(q || p(z | x)) = 1/2 (log(v*/v) + (v + (m - m*)^2) / v* - 1)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from genspec.checks import record
from genspec.tolerances import tolerance

__all__ = ["assert_differs", "f64", "LinearGaussian"]


def f64(value: object) -> torch.Tensor:
    """``value`` as a float64 tensor (``torch.as_tensor`` of a Python float would give float32)."""
    return torch.as_tensor(value, dtype=torch.float64)


def assert_differs(
    seed_value: torch.Tensor | float,
    correct_value: torch.Tensor | float,
    *,
    kind: str,
    what: str,
    dtype: torch.dtype = torch.float64,
    factor: float = 100.0,
) -> None:
    """Assert that ``seed_value`` misses ``correct_value`` by more than ``factor`` tolerances.

    Every element must differ by more than ``factor * (atol + rtol * |correct|)`` of the tolerance
    ``kind`` for ``dtype``: the seed's statement is wrong by far more than round-off, so the test
    cannot pass by accident of the arithmetic.
    """
    tol = tolerance(kind, dtype)
    seed_t = torch.as_tensor(seed_value, dtype=torch.float64)
    corr_t = torch.as_tensor(correct_value, dtype=torch.float64)
    seed_t, corr_t = torch.broadcast_tensors(seed_t, corr_t)
    gap = (seed_t - corr_t).abs()
    allowed = factor * (tol.atol + tol.rtol * corr_t.abs())
    ratio = float((gap / allowed).min())
    record(check=f"seed differs: {what}", kind=kind, min_gap_over_factor_tolerance=ratio)
    if not bool((gap > allowed).all()):
        idx = int((gap / allowed).flatten().argmin())
        raise AssertionError(
            f"{what}: the seed's value {seed_t.flatten()[idx].item()!r} is within {factor:g} "
            f"tolerances ({kind}) of the correct value {corr_t.flatten()[idx].item()!r}; the erratum "
            f"would not be visible here")


@dataclass(frozen=True)
class LinearGaussian:
    """The scalar model ``z ~ N(0, 1)``, ``x | z ~ N(a z + b, s2)``, in float64 closed forms."""

    a: float = 1.5
    b: float = -0.5
    s2: float = 0.4

    def log_px(self, x: float) -> float:
        var = self.a**2 + self.s2
        return -0.5 * (math.log(2 * math.pi * var) + (x - self.b) ** 2 / var)

    def posterior(self, x: float) -> tuple[float, float]:
        """``(m*, v*)`` of the exact posterior ``p(z | x)``."""
        v = self.s2 / (self.s2 + self.a**2)
        return v * self.a * (x - self.b) / self.s2, v

    def expected_loglik(self, x: float, m: float, v: float) -> float:
        """``E_{N(m, v)} log p(x | z)``."""
        return -0.5 * math.log(2 * math.pi * self.s2) - ((x - self.a * m - self.b) ** 2 + self.a**2 * v) / (2 * self.s2)

    @staticmethod
    def kl_prior(m: float, v: float) -> float:
        """``KL(N(m, v) || N(0, 1))``."""
        return 0.5 * (v + m**2 - 1 - math.log(v))

    def kl_posterior(self, x: float, m: float, v: float) -> float:
        """``KL(N(m, v) || p(z | x))``."""
        mp, vp = self.posterior(x)
        return 0.5 * (math.log(vp / v) + (v + (m - mp) ** 2) / vp - 1)

    def elbo(self, x: float, m: float, v: float) -> float:
        """``E_q log p(x | z) - KL(q || p(z))``."""
        return self.expected_loglik(x, m, v) - self.kl_prior(m, v)
