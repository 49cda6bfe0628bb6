"""KL(q || N(0, I)) that reads its ``logvar`` argument as log sigma (1 + 2 log s - mu^2 - s^2)."""
import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.gaussian import check_gaussian

AREA = "gaussian"
TIER = "law"
CAUGHT_BY = "properties/test_gaussian_kl.py::test_kl_normal_std_matches_torch_distributions"
SOURCE = ("seed 001 (one tensor z_log_sigma read as log sigma by 'sampling' and as a log-variance by "
          "'vae_loss'); DaehanKim/vgae_pytorch#2 and FluxML/model-zoo#73, #147 (log-std / log-variance "
          "mixed inside the KL)")


def kl_normal_std(mu: Tensor, logvar: Tensor) -> Tensor:
    check_gaussian(mu=mu, logvar=logvar)
    log_sigma = logvar
    return -0.5 * torch.sum(1 + 2 * log_sigma - mu.pow(2) - torch.exp(2 * log_sigma), dim=-1)
