"""reparameterize scales the noise by exp(logvar) (the variance) instead of exp(logvar / 2)."""
import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403

AREA = "gaussian"
TIER = "law"
CAUGHT_BY = "properties/test_gaussian.py::test_reparameterize_is_mu_plus_std_times_eps"
SOURCE = ("seed 001 ('return z_mean + K.exp(z_log_sigma) * epsilon' with a KL that reads a "
          "log-variance); keras-team/keras#3283 and #3220 (the Keras example, fixed to exp(0.5 * "
          "z_log_var)); keras-team/keras#9972; zfjsail/gae-pytorch#8; alecGraves/BVAE-tf#7")


def reparameterize(mu: Tensor, logvar: Tensor, eps: Tensor) -> Tensor:
    return mu + torch.exp(logvar) * eps
