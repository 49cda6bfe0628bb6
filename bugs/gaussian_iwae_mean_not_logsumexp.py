"""iwae_bound averages the log weights (the k-sample ELBO) instead of log-mean-exp."""
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403

AREA = "gaussian"
TIER = "law"
CAUGHT_BY = "properties/test_iwae.py::test_iwae_bound_matches_log_mean_exp"
SOURCE = ("arahuja/generative-tf#1 (an IWAE implementation questioned for taking the mean of the logs "
          "instead of the log of the mean); Burda et al. 2016 Sec. 3 contrast the k-sample VAE "
          "objective with the IWAE bound")


def iwae_bound(log_weights: Tensor) -> Tensor:
    return log_weights.mean(dim=0)
