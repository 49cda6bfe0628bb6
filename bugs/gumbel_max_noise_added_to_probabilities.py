"""gumbel_max adds the Gumbel noise to the probabilities softmax(logits) instead of to the logits.

argmax(p + g) is not Categorical(p): with p in [0, 1] the noise, of scale 1, swamps the differences
between classes and the frequencies come out much closer to uniform; a class of probability 0 (a
-inf logit) can win.
"""

from __future__ import annotations

import torch

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.gumbel import gumbel64
from genspec.reference.validation import check_logits

AREA = "gumbel"
TIER = "numerics"
CAUGHT_BY = "properties/test_gumbel.py::test_gumbel_max_never_selects_a_neg_inf_logit"
SOURCE = ("AITRICS/FREED#4 (Fix gumbel: Gumbels should be summed with log-probabilities of actions "
          "instead of probabilities inside the Gumbel-softmax trick); cupy/cupy#84 (Fix choice: the "
          "Gumbel-max trick is argmax(log p + g))")


def gumbel_max(logits, *, generator=None):
    check_logits(logits)
    g = gumbel64(logits.shape, generator, logits.device)
    probs = torch.softmax(logits.to(torch.float64), dim=-1)
    return (probs + g).argmax(dim=-1)  # BUG: noise on probabilities, not on log-probabilities
