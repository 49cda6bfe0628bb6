"""NICE's logistic prior through log1p(exp(h)): -inf for latents beyond |h| = 88.7 (float32).

``softplus`` written through ``exp`` (or ``F.softplus`` with its threshold raised out of reach)
overflows at h = 88.7 in float32: the log-likelihood of a sample whose latent is far out is -inf, and
its gradient NaN, where it is -|h| with slope -1.
"""
import torch

from genspec.reference import *  # noqa: F401,F403
from genspec.reference import nice as _nice

AREA = "flows"
TIER = "numerics"
CAUGHT_BY = "properties/test_priors_numerics.py::test_prior_log_density_and_score_beyond_exp_overflow"
SOURCE = ("paultsw/nice_pytorch nice/loss.py (logistic_nice_loglkhd: -(F.softplus(h, threshold=99999.) + "
          "F.softplus(-h, threshold=99999.)): log(1 + exp(h)) up to h = 99999, inf beyond 88.7 in float32); "
          "a NICE port's nice_logistic_log_likelihood with torch.log1p(torch.exp(h)) (GitHub code search)")


class NICE(_nice.NICE):
    def prior_log_prob(self, z: torch.Tensor) -> torch.Tensor:
        if self.prior == "logistic":
            return -(torch.log1p(torch.exp(z)) + torch.log1p(torch.exp(-z))).sum(-1)  # BUG: exp overflows
        return super().prior_log_prob(z)
