"""kl_normal with the ratio exp(logvar_q) / exp(logvar_p): NaN where both under- or overflow.

``(exp(logvar_q) + (mu_q - mu_p)^2) / exp(logvar_p)`` is the textbook formula; with both variances
under- or overflowing, KL(q || q) is NaN where it is 0. ``exp(logvar_q - logvar_p)`` is exact.
"""
import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.gaussian import check_gaussian

AREA = "gaussian"
TIER = "numerics"
CAUGHT_BY = "properties/test_gaussian_numerics.py::test_kl_normal_is_exact_to_the_edges"
SOURCE = ("analogue: public kl_divergence_gaussian helpers written as term2 = (torch.exp(q_log_var) + "
          "(q_mean - p_mean).pow(2)) / torch.exp(p_log_var), and DKL_Gaussian's term_b = (m_q - m_p)^2 / "
          "exp(lv_p) (GitHub code search); Linear95/CLUB#27 (NaN log-likelihoods once logvar.exp() over/underflows)")


def kl_normal(mu_q: Tensor, logvar_q: Tensor, mu_p: Tensor, logvar_p: Tensor) -> Tensor:
    check_gaussian(mu_q=mu_q, logvar_q=logvar_q, mu_p=mu_p, logvar_p=logvar_p)
    ratio = (torch.exp(logvar_q) + (mu_q - mu_p).square()) / torch.exp(logvar_p)  # BUG: a ratio of exps
    return 0.5 * (logvar_p - logvar_q + ratio - 1).sum(dim=-1)
