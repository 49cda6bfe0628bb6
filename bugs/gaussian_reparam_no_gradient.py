"""reparameterize draws z without a path back to mu and logvar (sample() instead of rsample())."""
import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403

AREA = "gaussian"
TIER = "law"
CAUGHT_BY = "properties/test_gaussian.py::test_reparameterize_gradients_flow_to_mu_and_logvar"
SOURCE = ("jankrepl/deepdow#106 (Fix rsample bug: Normal(...).sample() where rsample() was meant "
          "left no gradient path to the parameters)")


def reparameterize(mu: Tensor, logvar: Tensor, eps: Tensor) -> Tensor:
    with torch.no_grad():
        return mu + torch.exp(0.5 * logvar) * eps
