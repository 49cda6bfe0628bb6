r"""``NICE.sample`` with either prior at its generator's extremes: the smallest and the largest uniform
``torch.rand`` can return (u = 0 and 1 - 2^-24 in float32, 1 - 2^-53 in float64) and the most extreme
normals of ``torch.randn`` (±8.57, ±5.77), from generator states built in ``genspec.domains``
(``extreme_generator``). Every sample is finite: a logistic draw ``log(u) - log(1 - u)`` is -inf at
u = 0 unless u is kept off 0. Reference: ``reference/nice.py``, ``reference/priors.py``.
"""

from __future__ import annotations

import pytest
import torch

from genspec import domains as dom

pytestmark = [pytest.mark.area("flows"), pytest.mark.tier("numerics")]


@pytest.mark.parametrize("prior", ["logistic", "gaussian"])
def test_nice_samples_at_the_generator_extremes_are_finite(impl, prior):
    torch.manual_seed(0)
    for dtype in (dom.F32, dom.F64):
        model = impl.NICE(4, couplings=2, hidden=8, depth=1, prior=prior).to(dtype)
        for kind in dom.PATTERNS:
            for n in (3, 8):  # 12 and 32 draws: torch.randn's scalar and vectorised paths
                x = model.sample(n, temperature=1.0, generator=dom.extreme_generator(kind, dtype))
                assert x.shape == (n, 4) and x.dtype == dtype
                bad = int((~torch.isfinite(x)).sum())
                assert bad == 0, f"{bad} of {x.numel()} {prior} {dtype} samples are not finite at {kind}: {x.tolist()}"
