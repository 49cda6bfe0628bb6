r"""Thorough-mode scan of ``LinearGaussian.sample``: 10^8 normal draws (latents and noise), every sample
finite (``docs/statistical-designs.md``, "Numerics scans"). Reference: ``reference/linear_gaussian.py``.
"""

from __future__ import annotations

import pytest
import torch

from genspec.checks import record
from genspec.numerics import SCAN_DRAWS, scan

pytestmark = [pytest.mark.area("gaussian"), pytest.mark.tier("numerics"), pytest.mark.slow]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=str)
def test_linear_gaussian_samples_are_all_finite(impl, generator, dtype) -> None:
    weight = torch.tensor([[1.0, -2.0], [0.5, 0.0], [3.0, 1.0]], dtype=dtype)
    model = impl.LinearGaussian(weight, torch.tensor([1e3, -2.0, 0.0], dtype=dtype), 0.25)

    def draw(m: int) -> torch.Tensor:
        x, z = model.sample(m // 5 + 1, generator=generator)
        return (x.double().sum(-1) + z.double().sum(-1))

    seen, bad = scan(draw, SCAN_DRAWS // 5)
    record(dtype=str(dtype), rows=seen, bad=bad)
    assert bad == 0, f"{bad} of {seen} {dtype} LinearGaussian draws have a non-finite coordinate"
