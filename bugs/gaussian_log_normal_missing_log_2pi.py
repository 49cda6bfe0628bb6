"""log_normal without the -1/2 log(2 pi) per coordinate: not a normalised log density."""
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.gaussian import check_gaussian

AREA = "gaussian"
TIER = "law"
CAUGHT_BY = "properties/test_gaussian.py::test_log_normal_matches_torch_distributions"
SOURCE = ("nanograv/enterprise#405 (Factors of 2pi missing in Likelihood, fixed by #406); Qinyu-"
          "Allen-Zhao/Arinar#1 (Mistake in log-likelihood calculation?: a Gaussian log-likelihood "
          "without log(2 pi), so the loss went negative); harmless in a loss, wrong in log p(x) "
          "estimates, IWAE bounds and bits/dim")


def log_normal(x: Tensor, mu: Tensor, logvar: Tensor) -> Tensor:
    check_gaussian(x=x, mu=mu, logvar=logvar)
    return -0.5 * (logvar + (x - mu).pow(2) / logvar.exp()).sum(-1)
