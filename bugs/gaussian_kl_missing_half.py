"""KL(q || N(0, I)) without the factor 1/2: twice the true KL."""
import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.gaussian import check_gaussian

AREA = "gaussian"
TIER = "law"
CAUGHT_BY = "properties/test_gaussian_kl.py::test_kl_normal_std_matches_torch_distributions"
SOURCE = ("KarenUllrich/Tutorial_BayesianCompressionForDL#8 (the convolutional layer's Gaussian KL "
          "lacked the 1/2; confirmed by the authors); the 1/2 of seed 000's KLD = -0.5 * torch.sum(...) "
          "is the factor that goes")


def kl_normal_std(mu: Tensor, logvar: Tensor) -> Tensor:
    check_gaussian(mu=mu, logvar=logvar)
    return -torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), dim=-1)
