r"""``LinearGaussian.sample`` at its generator's extremes: latents and noise at the most extreme normals
``torch.randn`` returns (±8.57, ±5.77) or all 0: the draws are finite and ``x = W z + b + s e`` with
``|e| <= 8.58``. Reference: ``reference/linear_gaussian.py``.
"""

from __future__ import annotations

import pytest
import torch

from genspec import domains as dom

pytestmark = [pytest.mark.area("gaussian"), pytest.mark.tier("numerics")]


@pytest.mark.parametrize("dtype", [dom.F32, dom.F64], ids=str)
def test_linear_gaussian_samples_at_the_generator_extremes(impl, dtype):
    weight = torch.tensor([[1.0, -2.0], [0.5, 0.0], [3.0, 1.0]], dtype=dtype)
    bias = torch.tensor([1e3, -2.0, 0.0], dtype=dtype)
    model = impl.LinearGaussian(weight, bias, 0.25)
    for kind in dom.PATTERNS:
        for n in (2, 12):  # torch.randn's scalar and vectorised paths
            x, z = model.sample(n, generator=dom.extreme_generator(kind, dtype))
            where = f"{kind}, n={n}: x={x.tolist()}, z={z.tolist()}"
            assert x.shape == (n, 3) and z.shape == (n, 2), where
            assert bool(torch.isfinite(x).all() and torch.isfinite(z).all()), where
            assert float(z.abs().max()) <= 8.58, where
            noise = (x.double() - z.double() @ weight.double().T - bias.double()) / 0.5
            assert float(noise.abs().max()) <= 8.58 + 1e-3, f"noise beyond the extreme normal; {where}"
