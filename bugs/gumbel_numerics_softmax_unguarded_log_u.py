"""gumbel_softmax draws its own noise as -log(-log u) with no guard: u = 0 gives -inf noise, and a row of them NaN.

The uniforms come from ``torch.rand`` in float64; a draw of exactly 0 (probability 2^-53, never seen by
chance, certain from a generator at its smallest uniform) makes g = -inf, ``-inf - (-inf)`` in the
softmax's shift makes the row NaN.
"""
import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.gumbel_softmax import check_gumbels, hard_index, straight_through, tau64, tempered_softmax
from genspec.reference.validation import check_logits, check_tau

AREA = "gumbel"
TIER = "numerics"
CAUGHT_BY = "properties/test_gumbel_softmax_extremes.py::test_gumbel_softmax_at_the_generator_extremes"
SOURCE = ("analogue: pytorch/pytorch#22442 and PR #20179 (F.gumbel_softmax NaN when its exponential draw "
          "is 0); public sample_gumbel helpers guard with log(U + eps), the ones that drop eps do not")


def gumbel_softmax(logits: Tensor, tau, *, hard: bool = False, gumbels: Tensor | None = None,
                   generator: torch.Generator | None = None) -> Tensor:
    check_logits(logits)
    check_tau(tau)
    tau_ = tau64(tau, logits)
    logits64 = logits.to(torch.float64)
    if gumbels is None:
        draw_device = generator.device if generator is not None else logits.device
        u = torch.rand(logits.shape, generator=generator, dtype=torch.float64, device=draw_device)
        g = -torch.log(-torch.log(u)).to(logits.device)  # BUG: no guard at u = 0
    else:
        check_gumbels(gumbels, logits)
        g = gumbels.to(device=logits.device, dtype=torch.float64)
    noisy = (logits64 - logits64.amax(dim=-1, keepdim=True)) + g
    y = tempered_softmax(noisy, tau_, logits.dtype)
    return straight_through(y, hard_index(noisy)) if hard else y
