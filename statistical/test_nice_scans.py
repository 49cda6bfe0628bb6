r"""Thorough-mode scans of ``NICE.sample``: 10^8 prior draws with either prior, in float32 and bfloat16,
every sample finite (``docs/statistical-designs.md``, "Numerics scans"). The logistic prior's
``log(u) - log(1 - u)`` is -inf at u = 0, which a float32 uniform hits once in 2^24 draws, a bfloat16
one once in 2^8. Reference: ``reference/nice.py``, ``reference/priors.py``.
"""

from __future__ import annotations

import pytest
import torch

from genspec.checks import record
from genspec.numerics import SCAN_DRAWS, scan

pytestmark = [pytest.mark.area("flows"), pytest.mark.tier("numerics"), pytest.mark.slow]

DIM = 8


@pytest.mark.parametrize("prior, dtype, draws", [
    ("logistic", torch.float32, SCAN_DRAWS), ("gaussian", torch.float32, SCAN_DRAWS),
    ("logistic", torch.bfloat16, SCAN_DRAWS // 10),  # u = 0 once in 2^8 bfloat16 draws: 10^7 meet it ~4e4 times
], ids=str)
def test_nice_samples_are_all_finite(impl, generator, prior, dtype, draws) -> None:
    model = impl.NICE(DIM, couplings=2, hidden=8, depth=1, prior=prior).to(dtype)
    with torch.no_grad():
        seen, bad = scan(lambda m: model.sample(m // DIM + 1, generator=generator).double().sum(-1),
                         draws // DIM, chunk=2**19)
    record(prior=prior, dtype=str(dtype), rows=seen, bad=bad)
    assert bad == 0, f"{bad} of {seen} {dtype} NICE samples ({prior} prior) have a non-finite coordinate"
