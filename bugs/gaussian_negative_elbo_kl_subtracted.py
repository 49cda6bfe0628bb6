"""negative_elbo subtracts the KL instead of adding it (reconstruction - KL)."""
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference import bernoulli_log_prob, kl_normal_std

AREA = "gaussian"
TIER = "law"
CAUGHT_BY = "properties/test_elbo.py::test_negative_elbo_is_reconstruction_plus_kl"
SOURCE = ("keras-team/keras#6500 (proposes loss = xent_loss - kl_loss) and "
          "wiseodd/generative-models#43: the sign of the KL term flips when the code switches between "
          "the -0.5 * sum(...) (= +KL) and 0.5 * sum(...) (= -KL) forms")


def negative_elbo(x: Tensor, logits: Tensor, mu: Tensor, logvar: Tensor) -> Tensor:
    return -bernoulli_log_prob(x, logits) - kl_normal_std(mu, logvar)
