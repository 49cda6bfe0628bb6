"""gumbel_max adds +log(-log u) (i.e. subtracts the Gumbel noise): argmax of logits - g."""

from __future__ import annotations


import torch

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.gumbel import gumbel64
from genspec.reference.validation import check_logits

AREA = "gumbel"
TIER = "law"
CAUGHT_BY = "statistical/test_gumbel_argmax.py::test_gumbel_max_frequencies_are_softmax"
SOURCE = ("chainer/chainerrl#104 (Fix the sign in Gumbel-max trick); ermongroup/subsets#6 "
          "(gumbel_keys adds the noise without its minus sign; the maintainers: 'this is a typo, "
          "should be fixed')")


def gumbel_max(logits, *, generator=None):
    check_logits(logits)
    g = gumbel64(logits.shape, generator, logits.device)
    return (logits.to(torch.float64) - g).argmax(dim=-1)
