"""gumbel_max draws one noise vector of shape (K,) and broadcasts it over the batch."""

from __future__ import annotations


import torch

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.gumbel import gumbel64
from genspec.reference.validation import check_logits

AREA = "gumbel"
TIER = "law"
CAUGHT_BY = "properties/test_gumbel.py::test_gumbel_max_rows_of_a_batch_get_their_own_noise"
SOURCE = ("TalkToTheGAN/REGAN utils.py (gumbel_softmax draws u = log(-log(torch.rand(VOCAB_SIZE))),"
          " one noise vector of shape (VOCAB_SIZE,), subtracted from every row of a (batch, "
          "VOCAB_SIZE) log-probability array before the argmax)")


def gumbel_max(logits, *, generator=None):
    check_logits(logits)
    g = gumbel64(logits.shape[-1:], generator, logits.device)
    return (logits.to(torch.float64) + g).argmax(dim=-1)
