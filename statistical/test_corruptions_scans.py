r"""Thorough-mode scans of the corruptions: ``masking_noise`` masks exactly ``round(fraction · D)``
coordinates in every one of 10^8 / D examples (its float32 scores tie now and then: with D = 784 two
tie in 1.8% of examples), and ``gaussian_noise`` is finite in 10^8 draws per dtype
(``docs/statistical-designs.md``, "Numerics scans"). Reference: ``reference/corruptions.py``.
"""

from __future__ import annotations

import pytest
import torch

from genspec.checks import record
from genspec.numerics import SCAN_DRAWS, scan

pytestmark = [pytest.mark.area("autoencoders"), pytest.mark.tier("numerics"), pytest.mark.slow]

D = 784


def test_masking_noise_always_masks_exactly_k(impl, generator) -> None:
    x = torch.ones(2**22 // D, D)
    k = round(0.25 * D)

    def draw(m: int) -> torch.Tensor:
        masked = (impl.masking_noise(x[: max(1, m // D)], 0.25, generator=generator) == 0).sum(-1)
        return torch.where(masked == k, 0.0, torch.nan)

    seen, bad = scan(draw, SCAN_DRAWS // D)
    record(examples=seen, wrong_count=bad)
    assert bad == 0, f"{bad} of {seen} examples did not have exactly {k} coordinates masked"


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16, torch.float16], ids=str)
def test_gaussian_noise_is_always_finite(impl, generator, dtype) -> None:
    x = torch.full((2**22,), 0.5, dtype=dtype)
    seen, bad = scan(lambda m: impl.gaussian_noise(x[:m], 0.5, clip=None, generator=generator).double())
    record(dtype=str(dtype), n=seen, bad=bad)
    assert bad == 0, f"{bad} of {seen} {dtype} noisy values are not finite"
