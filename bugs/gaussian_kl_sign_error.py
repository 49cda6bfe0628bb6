"""KL(q || N(0, I)) with the leading minus sign lost: returns -KL, so minimising the loss maximises KL."""
import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.gaussian import check_gaussian

AREA = "gaussian"
TIER = "law"
CAUGHT_BY = "properties/test_gaussian_kl.py::test_kl_normal_std_matches_torch_distributions"
SOURCE = ("AntixK/PyTorch-VAE#68 (vanilla_vae returns 'KLD': -kld_loss, a negative KL); "
          "keras-team/keras#6500 and wiseodd/generative-models#43 (the sign of the KL term of the loss "
          "disputed); pytorch/examples#824")


def kl_normal_std(mu: Tensor, logvar: Tensor) -> Tensor:
    check_gaussian(mu=mu, logvar=logvar)
    return 0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), dim=-1)
