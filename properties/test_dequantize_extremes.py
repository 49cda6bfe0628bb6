r"""``dequantize`` at its generator's extremes: u = 0 gives ``k / n_bins`` exactly; the largest
uniform of each dtype (1 - 2^-24 float32, 1 - 2^-53 float64, 1 - 2^-8 bfloat16, 1 - 2^-11 float16)
must stay inside the cell of k, where ``k + u`` rounds up to ``k + 1`` (float32 for every k >= 1, every
k in the half-precision dtypes): ``floor(n_bins · y) = k``, ``y < 1``, finite.
Reference: ``reference/dequantize.py``.
"""

from __future__ import annotations

import pytest
import torch

from genspec import domains as dom

pytestmark = [pytest.mark.area("flows"), pytest.mark.tier("numerics")]


@pytest.mark.parametrize("dtype", [dom.F32, dom.F64, dom.BF16, dom.F16], ids=str)
def test_dequantize_stays_in_its_cell_at_the_generator_extremes(impl, dtype):
    k = torch.tensor([0, 1, 127, 128, 200, 254, 255])
    for kind in dom.PATTERNS:
        y = impl.dequantize(k, n_bins=256, generator=dom.extreme_generator(kind, dtype), dtype=dtype)
        where = f"{kind}, {dtype}: y = {y.tolist()}"
        assert y.dtype == dtype and bool(torch.isfinite(y).all()), where
        cells = torch.floor(256 * y.double()).long()
        assert torch.equal(cells, k), f"floor(256 y) = {cells.tolist()} for k = {k.tolist()}; {where}"
        assert bool((y < 1).all()) and bool((y >= 0).all()), where
        if kind == "u_min":
            assert torch.equal(y.double(), k.double() / 256), f"u = 0 must give k / 256; {where}"
