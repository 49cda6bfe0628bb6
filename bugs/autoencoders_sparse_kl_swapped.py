"""Sparse KL with its arguments swapped: KL(Bern(rho_hat) || Bern(rho)) instead of KL(Bern(rho) || Bern(rho_hat)).

Both directions are >= 0 and vanish at rho_hat = rho, so a sign or zero check does not see it; the
values (and the gradient's size near rho_hat -> 0) differ.
"""
from genspec.reference import *  # noqa: F401,F403

import torch

AREA = "autoencoders"
TIER = "law"
CAUGHT_BY = "properties/test_sparse_kl.py::test_sparse_kl_matches_bernoulli_kl_summed_over_units"
SOURCE = ("seen in public code: sparsity terms written `rho_hat * log(rho_hat / rho) + (1 - rho_hat) * "
          "log((1 - rho_hat) / (1 - rho))` (e.g. a KL-sparse penalty commented 'reverse KL'); seed 002 "
          "defines KL(rho || rho_hat_j)")


def sparse_kl(rho, rho_hat):
    rho_t = torch.as_tensor(rho, dtype=rho_hat.dtype, device=rho_hat.device)
    if not bool(((rho_t > 0) & (rho_t < 1)).all()):
        raise ValueError(f"rho={rho!r} must lie in (0, 1)")
    if not bool(((rho_hat >= 0) & (rho_hat <= 1)).all()):
        raise ValueError("rho_hat must lie in [0, 1]")
    kl = torch.xlogy(rho_hat, rho_hat / rho_t) + torch.xlogy(1 - rho_hat, (1 - rho_hat) / (1 - rho_t))
    return kl.sum(-1)
