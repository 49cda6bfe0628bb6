"""bernoulli_log_prob through probabilities: BCE(sigmoid(logits)), whose logs PyTorch clamps at -100."""
import torch
import torch.nn.functional as F
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403

AREA = "gaussian"
TIER = "law"
CAUGHT_BY = "properties/test_bernoulli.py::test_bernoulli_log_prob_matches_torch_distributions"
SOURCE = ("seed 000 (code example): the decoder returns torch.sigmoid(self.fc4(h)) and the loss is "
          "F.binary_cross_entropy(recon_x, x, reduction='sum'): log(1 - sigmoid(l)) is log 0 once "
          "sigmoid(l) rounds to 1 (l > ~17 in float32) and PyTorch clamps each log at -100")


def bernoulli_log_prob(x: Tensor, logits: Tensor) -> Tensor:
    return -F.binary_cross_entropy(torch.sigmoid(logits), x, reduction="none").sum(-1)
