"""contractive_penalty with sum_i w_ji^2 formed directly: inf at |w| >= 1.8e19 (float32), NaN for saturated units.

A diverging encoder's weights pass 1.8e19, where ``w^2`` overflows float32; a saturated unit has
``h (1 - h) = 0`` and contributes ``0 * inf = NaN``, an unsaturated one inf where the penalty is finite.
"""
import torch
from torch.nn import functional as F

from genspec.reference import *  # noqa: F401,F403

AREA = "autoencoders"
TIER = "numerics"
CAUGHT_BY = ("properties/test_contractive_numerics.py::"
             "test_contractive_penalty_of_weights_whose_square_overflows")
SOURCE = ("avijit9/Contractive_Autoencoder_in_Pytorch CAE_pytorch.py (w_sum = torch.sum(Variable(W)**2, dim=1); "
          "contractive_loss = torch.sum(torch.mm(dh**2, w_sum), 0)), copied into many CAE ports")


def contractive_penalty(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    z = F.linear(x, weight, bias)
    dh = torch.sigmoid(z) * torch.sigmoid(-z)
    w2 = weight.square().sum(dim=1)  # BUG: overflows on its own
    return (dh.square() * w2).sum(-1)
