"""iwae_bound as log(mean(exp(w))): exp underflows to 0 for realistic log weights (-inf bound)."""
import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403

AREA = "gaussian"
TIER = "numerics"
CAUGHT_BY = "properties/test_iwae.py::test_iwae_bound_is_shift_equivariant_for_weights_of_any_size"
SOURCE = ("xqding/Importance_Weighted_Autoencoders#2, #3 (weights exponentiated without subtracting the "
          "max in one code path: NaN/inf); seed 002's p(x) = (1/n) sum_i p(x|z_i) computed literally")


def iwae_bound(log_weights: Tensor) -> Tensor:
    return torch.log(torch.exp(log_weights).mean(dim=0))
