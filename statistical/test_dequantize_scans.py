r"""Thorough-mode scan of ``dequantize``: 10^8 draws per dtype, every one finite and inside its cell,
``floor(n_bins · y) = k`` (``docs/statistical-designs.md``, "Numerics scans"). ``k + u`` rounds up to
``k + 1`` for u within half an ulp of k + 1: in float32 for k >= 128 once in 2^17 draws, in the
half-precision dtypes for most draws near the top of each cell. Reference: ``reference/dequantize.py``.
"""

from __future__ import annotations

import pytest
import torch

from genspec.checks import record
from genspec.numerics import scan

pytestmark = [pytest.mark.area("flows"), pytest.mark.tier("numerics"), pytest.mark.slow]


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16, torch.float16], ids=str)
def test_dequantized_values_stay_in_their_cells(impl, generator, dtype) -> None:
    levels = torch.arange(256).repeat(2**22 // 256)

    def draw(m: int) -> torch.Tensor:
        k = levels[:m]
        y = impl.dequantize(k, generator=generator, dtype=dtype).double()
        return torch.where(torch.floor(256 * y) == k, y, torch.nan)  # out of the cell counts as bad

    seen, bad = scan(draw)
    record(dtype=str(dtype), n=seen, bad=bad)
    assert bad == 0, f"{bad} of {seen} {dtype} dequantized values left their cell or are not finite"
