"""reparameterize uses the encoder's log-variance head directly as the standard deviation."""
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403

AREA = "gaussian"
TIER = "law"
CAUGHT_BY = "properties/test_gaussian.py::test_reparameterize_is_mu_plus_std_times_eps"
SOURCE = ("seed 000: the text has the encoder output sigma (sigma = Encoder_sigma(x), z = mu + sigma * "
          "eps) while the code's head is fc_logvar; a port that follows the text computes mu + logvar * "
          "eps. keras-team/keras#7404 shows readers taking z_log_var for a std")


def reparameterize(mu: Tensor, logvar: Tensor, eps: Tensor) -> Tensor:
    sigma = logvar
    return mu + sigma * eps
