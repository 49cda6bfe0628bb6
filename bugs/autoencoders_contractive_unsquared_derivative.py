"""Contractive penalty with the sigmoid derivative h(1 - h) not squared: sum_j h_j(1-h_j) sum_i W_ji^2."""
from reference import *  # noqa: F401,F403

import torch
from torch.nn import functional as F

AREA = "autoencoders"
CAUGHT_BY = "properties/test_contractive_penalty.py::test_contractive_penalty_is_squared_frobenius_norm_of_jacobian"
SOURCE = ("plausible: ||J||_F^2 = sum_ij (h_j(1-h_j) W_ji)^2; squaring only W (the common one-line "
          "`torch.sum(dh * torch.sum(W**2, dim=1), dim=1)`) drops the square of the derivative")


def contractive_penalty(x, weight, bias):
    h = torch.sigmoid(F.linear(x, weight, bias))
    return (h * (1 - h) * weight.square().sum(dim=1)).sum(-1)
