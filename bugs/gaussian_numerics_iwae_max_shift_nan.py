"""iwae_bound as a max-shifted log-mean-exp, m + log(mean(exp(w - m))): NaN on a column of -inf log weights.

The shift by the column max m is the usual guard against overflow; where every weight of a column is
0 (log weight -inf) the max is -inf and ``w - m`` is ``-inf - (-inf) = NaN``, where the bound is -inf.
"""
import math

import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403

AREA = "gaussian"
TIER = "numerics"
CAUGHT_BY = "properties/test_iwae_numerics.py::test_iwae_bound_with_neg_inf_entries_and_columns"
SOURCE = ("thuwzy/ZhuSuan-PyTorch zhusuan/utils.py (log_mean_exp: x_max = torch.max(x, dim, True).values; "
          "log(mean(exp(x - x_max))) + x_max, no guard for an infinite max); nbip/vae-mdl utils/utils.py "
          "(logmeanexp, the same in TensorFlow)")


def iwae_bound(log_weights: Tensor) -> Tensor:
    if not isinstance(log_weights, Tensor) or not log_weights.is_floating_point():
        raise TypeError("log_weights must be a floating-point torch.Tensor")
    if log_weights.dim() < 1 or log_weights.shape[0] < 1:
        raise ValueError("log_weights needs k >= 1 samples along dim 0")
    if bool(torch.isnan(log_weights).any()) or bool((log_weights == math.inf).any()):
        raise ValueError("log_weights contains NaN or +inf")
    m = log_weights.max(dim=0, keepdim=True).values  # BUG: -inf for an all -inf column
    return (torch.log(torch.mean(torch.exp(log_weights - m), dim=0, keepdim=True)) + m).squeeze(0)
