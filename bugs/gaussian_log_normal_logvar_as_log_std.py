"""log_normal that reads its ``logvar`` argument as log sigma (variance exp(2 logvar))."""
import math

import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.gaussian import check_gaussian

AREA = "gaussian"
TIER = "law"
CAUGHT_BY = "properties/test_gaussian.py::test_log_normal_matches_torch_distributions"
SOURCE = ("seed 001's log-sigma / log-variance mix-up (z_log_sigma) in the density: a log_normal "
          "written for a log-std head called with a log-variance head (cf. DaehanKim/vgae_pytorch#2)")


def log_normal(x: Tensor, mu: Tensor, logvar: Tensor) -> Tensor:
    check_gaussian(x=x, mu=mu, logvar=logvar)
    log_std = logvar
    return (-0.5 * math.log(2 * math.pi) - log_std - 0.5 * (x - mu).pow(2) * torch.exp(-2 * log_std)).sum(-1)
