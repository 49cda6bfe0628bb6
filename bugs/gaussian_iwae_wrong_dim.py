"""iwae_bound reduces over the last dimension, i.e. over the batch of a (k, batch) tensor."""
import math

import torch
from torch import Tensor

from reference import *  # noqa: F401,F403

AREA = "gaussian"
CAUGHT_BY = "properties/test_iwae.py::test_iwae_bound_matches_log_mean_exp"
SOURCE = ("plausible: code written for log weights laid out (batch, k) (as in YosefLab/scVI-dev#8) "
          "applied to the contract's (k, batch) layout; correct whenever there is no batch dimension")


def iwae_bound(log_weights: Tensor) -> Tensor:
    return torch.logsumexp(log_weights, dim=-1) - math.log(log_weights.shape[-1])
