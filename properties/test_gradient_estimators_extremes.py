r"""The Monte Carlo gradient estimators drawing their own noise (no ``eps``) at the generator's
extremes (``genspec.domains.extreme_generator``): eps all 0 (uniforms at 0), or at the most extreme
normals (±8.57, ±5.77), with the log-variance at its edges (-200 float32, -1600 float64) and at 0.
The estimates are never NaN, and finite at logvar = 0; with eps = 0 the score-function mu term is 0
(not ``0 · exp(100) = 0 · inf``), and terms of both signs that overflow are averaged before they
are scaled by 1 / sigma (no ``inf - inf``). Reference: ``reference/gradient_estimators.py``.
"""

from __future__ import annotations

import pytest
import torch

from genspec import domains as dom

pytestmark = [pytest.mark.area("gaussian"), pytest.mark.tier("numerics")]


@pytest.mark.parametrize("estimator", ["score_function_gradient", "reparameterization_gradient"])
def test_estimators_at_the_generator_extremes(impl, estimator):
    for dtype, edge in ((dom.F32, -200.0), (dom.F64, -1600.0)):
        mu = torch.tensor([[0.0, 1.0, -2.0]], dtype=dtype)
        for kind in dom.PATTERNS:
            for logvar_value in (0.0, edge):
                for draws in (2, 8):  # 6 and 24 normals: torch.randn's scalar and vectorised paths
                    g_mu, g_logvar = getattr(impl, estimator)(
                        lambda z: (z * z).sum(-1), mu, torch.full_like(mu, logvar_value), num_samples=draws,
                        generator=dom.extreme_generator(kind, dtype))
                    where = f"{estimator} at logvar = {logvar_value} ({dtype}), generator {kind}, {draws} draws"
                    assert g_mu.shape == mu.shape and g_logvar.shape == mu.shape, where
                    for name, g in (("d/dmu", g_mu), ("d/dlogvar", g_logvar)):
                        assert not bool(torch.isnan(g).any()), f"{name} NaN: {g.tolist()}; {where}"
                        if logvar_value == 0.0:
                            assert bool(torch.isfinite(g).all()), f"{name} not finite: {g.tolist()}; {where}"
