"""negative_elbo adds the batch-mean KL to every example: one example's loss depends on the others."""
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference import bernoulli_log_prob, kl_normal_std

AREA = "gaussian"
TIER = "law"
CAUGHT_BY = "properties/test_elbo.py::test_negative_elbo_is_reconstruction_plus_kl"
SOURCE = ("seed 004's loss_function takes torch.mean(..., dim=0) of the KL over the batch (as "
          "AntixK/PyTorch-VAE does); moved into a per-example loss (IWAE, per-example log-likelihoods) "
          "it mixes the examples")


def negative_elbo(x: Tensor, logits: Tensor, mu: Tensor, logvar: Tensor) -> Tensor:
    kl = kl_normal_std(mu, logvar)
    return -bernoulli_log_prob(x, logits) + kl.mean()
