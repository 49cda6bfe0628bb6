"""Contractive penalty with the sigmoid derivative h(1 - h) not squared: sum_j h_j(1-h_j) sum_i W_ji^2."""
from genspec.reference import *  # noqa: F401,F403

import torch
from torch.nn import functional as F

AREA = "autoencoders"
TIER = "law"
CAUGHT_BY = "properties/test_contractive.py::test_contractive_penalty_is_squared_frobenius_norm_of_jacobian"
SOURCE = ("analogue: lisa-lab/pylearn2#90 (CAE penalty corrected: the mean of the Jacobians instead"
          " of their squared Frobenius norm) and #142 (the weights summed and then squared instead "
          "of squared and then summed); ||J||_F^2 = sum_ij (h_j(1 - h_j) W_ji)^2")


def contractive_penalty(x, weight, bias):
    h = torch.sigmoid(F.linear(x, weight, bias))
    return (h * (1 - h) * weight.square().sum(dim=1)).sum(-1)
