r"""Thorough-mode scan of the gradient estimators drawing their own noise: 10^7 normal draws each (randn
has no rare event to wait for: its extremes, ±8.57 and ±5.77, are reached by construction in
``properties/test_gradient_estimators_extremes.py``), at
logvar 0 and at the float32 edge (-200), every per-draw term free of NaN (finite at logvar 0)
(``docs/statistical-designs.md``, "Numerics scans"). Reference: ``reference/gradient_estimators.py``.
"""

from __future__ import annotations

import pytest
import torch

from genspec.checks import record
from genspec.numerics import SCAN_DRAWS, scan

pytestmark = [pytest.mark.area("gaussian"), pytest.mark.tier("numerics"), pytest.mark.slow]


@pytest.mark.parametrize("estimator", ["score_function_gradient", "reparameterization_gradient"])
@pytest.mark.parametrize("logvar", [0.0, -200.0])
def test_estimator_terms_are_never_nan(impl, generator, estimator, logvar) -> None:
    mu = torch.tensor([0.5, -1.0, 2.0, 0.0])
    lv = torch.full_like(mu, logvar)

    def draw(m: int) -> torch.Tensor:
        g_mu, g_lv = getattr(impl, estimator)(lambda z: (z * z).sum(-1), mu, lv, num_samples=m // 4 + 1,
                                              generator=generator, reduction="none")
        terms = torch.cat([g_mu, g_lv], dim=-1).double()  # (L, 8)
        bad = ~torch.isfinite(terms) if logvar == 0.0 else torch.isnan(terms)  # at -200 a term may be ±inf
        return torch.where(bad.any(-1), torch.nan, 0.0)

    seen, bad = scan(draw, SCAN_DRAWS // 40)
    record(estimator=estimator, logvar=logvar, draws=seen, bad=bad)
    assert bad == 0, f"{bad} of {seen} {estimator} terms at logvar={logvar} are NaN (or not finite at 0)"
