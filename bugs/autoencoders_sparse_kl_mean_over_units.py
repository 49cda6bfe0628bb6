"""Sparse KL averaged over the hidden units instead of summed (seed 002: beta * sum_j KL(rho || rho_hat_j))."""
from genspec.reference import *  # noqa: F401,F403

import torch

AREA = "autoencoders"
TIER = "law"
CAUGHT_BY = "properties/test_sparse_kl.py::test_sparse_kl_matches_bernoulli_kl_summed_over_units"
SOURCE = ("seen in public code: `kl_divergence(rho, rho_hat)` helpers returning `torch.mean(rho * "
          "torch.log(rho / rho_hat) + ...)` over the units (copied into several 3D-Gaussian-splatting "
          "derived repositories' loss_utils.py)")


def sparse_kl(rho, rho_hat):
    rho_t = torch.as_tensor(rho, dtype=rho_hat.dtype, device=rho_hat.device)
    if not bool(((rho_t > 0) & (rho_t < 1)).all()):
        raise ValueError(f"rho={rho!r} must lie in (0, 1)")
    if not bool(((rho_hat >= 0) & (rho_hat <= 1)).all()):
        raise ValueError("rho_hat must lie in [0, 1]")
    kl = rho_t * torch.log(rho_t / rho_hat) + (1 - rho_t) * torch.log((1 - rho_t) / (1 - rho_hat))
    return kl.mean(-1)
