r"""``gumbel_softmax`` at its generator's extremes (``genspec.domains.extreme_generator``): uniforms
all 0 or all at the largest float64 value make the noise equal in every class, so the soft sample is
``softmax(logits / tau)``: finite, on the simplex, -inf classes at 0, for every dtype, soft and hard,
at small and large tau. An unguarded ``-log(-log u)`` gives -inf noise in every class at u = 0 (NaN).
Reference: ``reference/gumbel_softmax.py``.
"""

from __future__ import annotations

import math

import pytest
import torch

from genspec import domains as dom

pytestmark = [pytest.mark.area("gumbel"), pytest.mark.tier("numerics")]


@pytest.mark.parametrize("dtype", [dom.F32, dom.F64, dom.BF16, dom.F16], ids=str)
def test_gumbel_softmax_at_the_generator_extremes(impl, dtype):
    logits = torch.tensor([[-math.inf, 0.3, 1.0, 0.0], [2.0, -1.0, 0.5, 0.5]], dtype=dtype)
    tol = 1e-2 if dtype in dom.HALF_DTYPES else 1e-6
    for kind in ("u_min", "u_max"):
        for tau in (1e-3, 1.0, 1e3):
            z = logits.double() / tau  # equal noise cancels: softmax(logits / tau)
            e = torch.exp(z - z.amax(-1, keepdim=True))
            soft = e / e.sum(-1, keepdim=True)
            hard = (logits.double() == logits.double().amax(-1, keepdim=True)).double()
            for is_hard, expected in ((False, soft), (True, hard)):
                y = impl.gumbel_softmax(logits, tau, hard=is_hard, generator=dom.extreme_generator(kind, dom.F64))
                where = f"{kind}, tau={tau}, hard={is_hard}: {y.tolist()}"
                assert bool(torch.isfinite(y).all()), where
                assert float(y[0, 0]) == 0.0, f"a -inf logit got mass; {where}"
                assert float((y.double() - expected).abs().max()) <= tol, where
