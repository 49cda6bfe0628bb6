"""KL(q || N(0, I)) averaged over the latent dimension instead of summed: the KL shrinks by 1/K."""
import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.gaussian import check_gaussian

AREA = "gaussian"
TIER = "law"
CAUGHT_BY = "properties/test_gaussian_kl.py::test_kl_normal_std_matches_torch_distributions"
SOURCE = ("seed 001 (Keras blog VAE 'vae_loss': - 0.5 * K.mean(..., axis=-1)); rstudio/keras3#359 "
          "(k_mean in the R port of the Keras example); podgorskiy/VAE#1 (torch.mean over the latent "
          "dim); hanzhanggit/StackGAN-v2#30")


def kl_normal_std(mu: Tensor, logvar: Tensor) -> Tensor:
    check_gaussian(mu=mu, logvar=logvar)
    return -0.5 * torch.mean(1 + logvar - mu.pow(2) - logvar.exp(), dim=-1)
