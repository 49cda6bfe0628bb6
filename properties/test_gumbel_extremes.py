r"""``gumbel_max`` at its generator's extremes (``genspec.domains.extreme_generator``): with every
uniform 0 or every uniform at the largest float64 value, the Gumbel noise is equal in every class
(the most extreme draws, -3.6 or 36.7): the index is in range, never a -inf class, and the largest
logit's, for logits up to each dtype's largest number. Reference: ``reference/gumbel.py``.
"""

from __future__ import annotations

import math

import pytest
import torch

from genspec import domains as dom

pytestmark = [pytest.mark.area("gumbel"), pytest.mark.tier("numerics")]


@pytest.mark.parametrize("dtype", [dom.F32, dom.F64, dom.BF16, dom.F16], ids=str)
def test_gumbel_max_at_the_generator_extremes(impl, dtype):
    top = float(torch.finfo(dtype).max)
    logits = torch.tensor([[-math.inf, 0.3, 1.0], [top, -math.inf, -top], [-top, -top, -math.inf]], dtype=dtype)
    for kind in ("u_min", "u_max"):
        idx = impl.gumbel_max(logits, generator=dom.extreme_generator(kind, dom.F64))
        assert idx.shape == (3,) and bool(((idx >= 0) & (idx < 3)).all()), f"{idx.tolist()} ({kind})"
        assert not bool(torch.isneginf(logits.gather(-1, idx.unsqueeze(-1))).any()), f"-inf class: {idx.tolist()}"
        assert idx[:2].tolist() == [2, 0], f"equal noise must pick the largest logit, got {idx.tolist()} ({kind})"
