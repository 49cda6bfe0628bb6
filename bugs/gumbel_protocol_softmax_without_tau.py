"""A relaxed one-hot sampler that computes softmax(logits + g) and never divides by the temperature.

The argmax law is right at every temperature (it does not depend on tau), and so is the density
handed with it; the samples themselves are those of tau = 1 whatever tau is asked for.
"""

from __future__ import annotations

import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.gumbel import sample_gumbel as _sample_gumbel
from genspec.reference.protocols import GumbelSoftmax as _GumbelSoftmax

AREA = "gumbel"
TIER = "law"
CAUGHT_BY = "properties/test_protocols_relaxed.py::test_relaxed_gradient_is_the_gumbel_softmax_gradient"
SOURCE = ("nec-research/tf-imle#1 (the 'traditional' Gumbel-Softmax of the discrete-VAE demo passed the temperature "
          "into sample_gumbel, where it is never used); andreasveit/convnet-aig gumbelmodule.py (temp accepted, "
          "temperature=1 passed on)")


class NoTemperature(_GumbelSoftmax):
    def sample(self, logits: Tensor, tau: float, *, generator: torch.Generator | None = None) -> Tensor:
        g = _sample_gumbel(logits.shape, generator=generator, dtype=logits.dtype)
        return torch.softmax(logits + g, dim=-1)  # BUG: (logits + g) / tau


RELAXED = {"gumbel_softmax": NoTemperature()}
