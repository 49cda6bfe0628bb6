r"""Thorough-mode scans of the Gumbel samplers: 10^8 draws per dtype, every one finite (``docs/
statistical-designs.md``, "Numerics scans"). A uniform drawn in float32 is 0 once in 2^24 draws, in
bfloat16 once in 2^8, in float16 once in 2^11; ``-log(-log u)`` without a guard is -inf there.
``sample_gumbel`` in float32 and bfloat16 is scanned by ``test_gumbel_tail.py``; float16 here.
Reference: ``reference/gumbel.py``, ``reference/gumbel_softmax.py``.
"""

from __future__ import annotations

import math

import pytest
import torch

from genspec.checks import record
from genspec.numerics import SCAN_DRAWS, scan

pytestmark = [pytest.mark.area("gumbel"), pytest.mark.tier("numerics"), pytest.mark.slow]

LOGITS = torch.tensor([0.0, 2.0, -1.0, -math.inf])


def test_sample_gumbel_float16_draws_are_all_finite(impl, generator) -> None:
    seen, bad = scan(lambda m: impl.sample_gumbel((m,), generator=generator, dtype=torch.float16))
    record(dtype="float16", n=seen, non_finite=bad)
    assert bad == 0, f"{bad} of {seen} float16 Gumbel draws are not finite"


def test_gumbel_max_never_draws_a_neg_inf_class(impl, generator) -> None:
    seen, bad = scan(lambda m: impl.gumbel_max(LOGITS.expand(m // 4 + 1, 4), generator=generator).double(),
                     SCAN_DRAWS // 4, check=lambda idx: idx != 3)
    record(n=seen, bad=bad)
    assert bad == 0, f"{bad} of {seen} Gumbel-Max draws picked the -inf class"


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16, torch.float16], ids=str)
def test_gumbel_softmax_samples_are_all_finite(impl, generator, dtype) -> None:
    """10^7 entries: the noise is drawn in float64 (u = 0 once in 2^53 draws: no scan reaches it, the
    extremes test does), so the scan is of the rounding of the sample to ``dtype``."""
    logits, tau = LOGITS.to(dtype), 0.5

    def draw(m: int) -> torch.Tensor:
        y = impl.gumbel_softmax(logits.expand(m // 4 + 1, 4), tau, generator=generator)
        return y.double().sum(-1)  # one number per row: NaN or inf anywhere in the row shows in the sum

    seen, bad = scan(draw, SCAN_DRAWS // 40)
    record(dtype=str(dtype), tau=tau, rows=seen, bad=bad)
    assert bad == 0, f"{bad} of {seen} {dtype} Gumbel-Softmax rows have a non-finite entry (tau={tau})"
