"""iwae_bound reduces over the last dimension, i.e. over the batch of a (k, batch) tensor."""
import math

import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403

AREA = "gaussian"
TIER = "law"
CAUGHT_BY = "properties/test_iwae.py::test_iwae_bound_matches_log_mean_exp"
SOURCE = ("analogue: ctallec/world-models#10 (Wrong dimension for pi softmax: log_softmax over the "
          "batch axis instead of the mixture axis); XavierXiao/Likelihood-Regret#1 (compute_NLL's "
          "log-mean-exp runs over all flattened importance weights, right only for a batch of one)")


def iwae_bound(log_weights: Tensor) -> Tensor:
    return torch.logsumexp(log_weights, dim=-1) - math.log(log_weights.shape[-1])
