"""negative_elbo as BCE on sigmoid outputs: capped at 100 nats a pixel once sigmoid(l) rounds to 1.

The decoder ends in ``torch.sigmoid`` and the loss is ``F.binary_cross_entropy(recon_x, x)``: for a
float32 logit above 16.6 the probability rounds to 1, ``log(1 - p)`` is ``log 0``, which PyTorch clamps
at -100: a pixel with x = 0 costs 100 nats at l = 20 (true: 20) and at l = 1e4 (true: 1e4), and its
gradient is 0.
"""
import torch
import torch.nn.functional as F
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference import kl_normal_std as _kl_normal_std

AREA = "gaussian"
TIER = "numerics"
CAUGHT_BY = "properties/test_elbo_numerics.py::test_negative_elbo_at_saturated_logits_and_extreme_logvar"
SOURCE = ("pytorch/examples vae/main.py (loss_function: BCE = F.binary_cross_entropy(recon_x, x.view(-1, 784), "
          "reduction='sum') on a decoder ending in torch.sigmoid), copied into cfr2ak/KaggleSolutions "
          "digit-recognizer/python/vae/loss.py, zyzisyz/spk-embedding-processing 1-VAE/model/loss.py, "
          "cesarali/vae src/vae/losses/contrastive_loss.py; seed 000's listing")


def negative_elbo(x: Tensor, logits: Tensor, mu: Tensor, logvar: Tensor) -> Tensor:
    recon_x = torch.sigmoid(logits)  # BUG: probabilities first, then a clamped log
    bce = F.binary_cross_entropy(recon_x, x, reduction="none").sum(-1)
    return bce + _kl_normal_std(mu, logvar)
