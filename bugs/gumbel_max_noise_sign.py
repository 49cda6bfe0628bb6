"""gumbel_max adds +log(-log u) (i.e. subtracts the Gumbel noise): argmax of logits - g."""

from __future__ import annotations

import math

import torch
from torch import Tensor

from reference import *  # noqa: F401,F403
from reference.gumbel import _as_shape, _check_logits, _check_tau, _gumbel64  # noqa: F401
from reference.gumbel_softmax import _check_gumbels, _tau64  # noqa: F401

AREA = "gumbel"
CAUGHT_BY = "statistical/test_gumbel_argmax.py::test_gumbel_max_frequencies_are_softmax"
SOURCE = "plausible: the sign of -log(-log u) dropped; logits - g is a Gumbel-min perturbation whose argmax is not softmax"


def gumbel_max(logits, *, generator=None):
    _check_logits(logits)
    g = _gumbel64(logits.shape, generator, logits.device)
    return (logits.to(torch.float64) - g).argmax(dim=-1)
