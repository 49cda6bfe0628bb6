"""Contractive penalty with the activation h in place of its derivative h(1 - h): sum_j h_j^2 sum_i W_ji^2."""
from genspec.reference import *  # noqa: F401,F403

import torch
from torch.nn import functional as F

AREA = "autoencoders"
TIER = "law"
CAUGHT_BY = "properties/test_contractive.py::test_contractive_penalty_is_squared_frobenius_norm_of_jacobian"
SOURCE = ("analogue: avijit9/Contractive_Autoencoder_in_Pytorch#2 (the CAE penalty is incorrect for"
          " any non-sigmoid activation: the closed form uses h(1 - h), the sigmoid's derivative, "
          "for a ReLU encoder); the Jacobian of sigmoid(Wx + b) is diag(h(1 - h)) W")


def contractive_penalty(x, weight, bias):
    h = torch.sigmoid(F.linear(x, weight, bias))
    return (h.square() * weight.square().sum(dim=1)).sum(-1)
