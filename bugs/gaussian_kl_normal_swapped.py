"""kl_normal with q and p swapped: returns KL(p || q) (the KL is not symmetric)."""
import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.gaussian import check_gaussian

AREA = "gaussian"
TIER = "law"
CAUGHT_BY = "properties/test_gaussian_kl.py::test_kl_normal_matches_torch_distributions"
SOURCE = ("openai/spinningup#192 (TRPO: correct the params positions of diagonal gaussian kl "
          "function: diagonal_gaussian_kl(mu0, log_std0, mu1, log_std1) computed the KL the other "
          "way round); google-deepmind/rlax#14 (kl argument order flipped for continuous "
          "distributions); kumar-shridhar/PyTorch-BayesianCNN#28 (KL[p || q] where the ELBO needs "
          "KL[q || p])")


def kl_normal(mu_q: Tensor, logvar_q: Tensor, mu_p: Tensor, logvar_p: Tensor) -> Tensor:
    check_gaussian(mu_q=mu_q, logvar_q=logvar_q, mu_p=mu_p, logvar_p=logvar_p)
    mu_q, logvar_q, mu_p, logvar_p = mu_p, logvar_p, mu_q, logvar_q
    return 0.5 * torch.sum(logvar_p - logvar_q + (logvar_q.exp() + (mu_q - mu_p).pow(2)) / logvar_p.exp() - 1,
                           dim=-1)
