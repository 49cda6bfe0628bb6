"""gumbel_softmax forms logits + g unshifted: equal logits of 3.4e38 absorb the noise.

``(logits + g) / tau`` is how the sample is defined; in floating point ``3.4e38 + g`` is ``3.4e38`` (the
ulp there is 2e31, in float64 still 7.6e22), so rows of equal, saturated logits tie and the argmax is
always the first class, where it should be uniform; subtracting the row max first keeps g.
"""
import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.gumbel_softmax import gumbels64, hard_index, straight_through, tau64, tempered_softmax
from genspec.reference.validation import check_logits, check_tau

AREA = "gumbel"
TIER = "numerics"
CAUGHT_BY = "properties/test_gumbel_softmax_numerics.py::test_soft_sample_at_the_edges"
SOURCE = ("pytorch/pytorch torch/nn/functional.py (gumbel_softmax: gumbels = (logits + gumbels) / tau in the "
          "logits' dtype, then softmax and argmax), copied as-is in many 'numerically stable' variants")


def gumbel_softmax(logits: Tensor, tau, *, hard: bool = False, gumbels: Tensor | None = None,
                   generator: torch.Generator | None = None) -> Tensor:
    check_logits(logits)
    check_tau(tau)
    tau_ = tau64(tau, logits)
    noisy = logits.to(torch.float64) + gumbels64(logits, gumbels, generator)  # BUG: g absorbed by huge logits
    y = tempered_softmax(noisy, tau_, logits.dtype)
    return straight_through(y, hard_index(noisy)) if hard else y
