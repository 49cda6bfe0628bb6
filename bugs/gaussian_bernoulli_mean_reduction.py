"""bernoulli_log_prob averaged over pixels (BCE with reduction='mean') instead of summed."""
import torch.nn.functional as F
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403

AREA = "gaussian"
TIER = "law"
CAUGHT_BY = "properties/test_bernoulli.py::test_bernoulli_log_prob_matches_torch_distributions"
SOURCE = ("pytorch/examples#234 (BCE averaged over pixels, fixed in pytorch/examples#296 'Fix VAE "
          "losses (sum over everything)') and #817; seed 001's Keras objectives.binary_crossentropy "
          "averages over the pixels (keras-team/keras#7404)")


def bernoulli_log_prob(x: Tensor, logits: Tensor) -> Tensor:
    return -F.binary_cross_entropy_with_logits(logits, x, reduction="none").mean(-1)
