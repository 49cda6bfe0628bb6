"""Sparse penalty with rho_hat averaged over the units (dim 1) instead of over the batch (dim 0).

Seed 002: rho_hat_j = (1/m) sum_i a_j(x_i), the mean activation of unit j over the examples. Averaging
over the units gives one number per example and penalises the wrong quantity.
"""
from genspec.reference import *  # noqa: F401,F403
from genspec.reference import sparse_kl as _sparse_kl

AREA = "autoencoders"
TIER = "law"
CAUGHT_BY = "properties/test_sparse_kl.py::test_sparse_kl_penalty_averages_over_the_batch"
SOURCE = ("seen in public code: the widely copied PyTorch sparse-autoencoder tutorial helper "
          "`rho_hat = torch.mean(torch.sigmoid(rho_hat), 1)` followed by a sum over `len(rho_hat)` "
          "(DebuggerCafe, 'Sparse Autoencoders using KL Divergence with PyTorch', 2020, and its copies)")


def sparse_kl_penalty(h, rho):
    rho_hat = h.mean(dim=-1).reshape(-1)  # one "activation" per example
    return _sparse_kl(rho, rho_hat)
