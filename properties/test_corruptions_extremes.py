r"""``masking_noise`` and ``gaussian_noise`` at their generator's extremes (``genspec.domains.
extreme_generator``): uniforms all 0 or all at the largest value (every score ties: still exactly
``round(fraction · D)`` coordinates masked per example) and the most extreme normals (±8.57, ±5.77:
the noise is finite and within std · 8.58 of x, clipped or not). Reference: ``reference/corruptions.py``.
"""

from __future__ import annotations

import pytest
import torch

from genspec import domains as dom

pytestmark = [pytest.mark.area("autoencoders"), pytest.mark.tier("numerics")]


@pytest.mark.parametrize("fraction", [0.25, 0.5, 0.9])
def test_masking_noise_masks_exactly_k_when_every_score_ties(impl, fraction):
    x = torch.arange(1, 3 * 10 + 1, dtype=torch.float32).reshape(3, 10)  # no zeros of its own
    k = round(fraction * 10)
    for kind in dom.PATTERNS:
        out = impl.masking_noise(x, fraction, generator=dom.extreme_generator(kind, dom.F32))
        masked = (out == 0).sum(-1)
        assert masked.tolist() == [k] * 3, f"masked {masked.tolist()} coordinates per row, expected {k} ({kind})"
        assert torch.equal(out[out != 0], x[out != 0]), f"unmasked coordinates changed ({kind})"


@pytest.mark.parametrize("dtype", [dom.F32, dom.F64], ids=str)
def test_gaussian_noise_at_the_generator_extremes(impl, dtype):
    for kind in dom.PATTERNS:
        for clip in (None, (0.0, 1.0)):
            for n in (6, 40):  # torch.randn's scalar and vectorised paths
                x = torch.linspace(0, 1, n, dtype=dtype)
                out = impl.gaussian_noise(x, 0.5, clip=clip, generator=dom.extreme_generator(kind, dtype))
                where = f"{kind}, clip={clip}: {out.tolist()}"
                assert bool(torch.isfinite(out).all()), where
                assert float((out - x).abs().max()) <= 0.5 * 8.58, f"noise beyond 8.58 std; {where}"
