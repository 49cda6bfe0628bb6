"""iwae_bound without the -log k: logsumexp of the log weights, an upper bias of log k."""
import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403

AREA = "gaussian"
TIER = "law"
CAUGHT_BY = "properties/test_iwae.py::test_iwae_bound_matches_log_mean_exp"
SOURCE = ("YosefLab/scVI-dev#8 (first iwae_loss: logsumexp over the k samples without - log k; the "
          "later version in scverse/scvi-tools#13 subtracts np.log(k)); the bias is log k, e.g. log "
          "5000 = 8.5 nats")


def iwae_bound(log_weights: Tensor) -> Tensor:
    return torch.logsumexp(log_weights, dim=0)
