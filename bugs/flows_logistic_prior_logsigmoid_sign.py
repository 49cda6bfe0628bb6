"""NICE's logistic prior is computed as logsigmoid(z) + logsigmoid(z) instead of
logsigmoid(z) + logsigmoid(-z): log(sigma(z)^2), not a density (its integral is infinite).
"""
import torch
import torch.nn.functional as F

from genspec.reference import *  # noqa: F401,F403
from genspec.reference import nice as _nice

AREA = "flows"
TIER = "law"
CAUGHT_BY = "properties/test_nice.py::test_log_prob_is_prior_log_prob_plus_log_abs_det_jacobian"
SOURCE = "plausible: log(sigmoid(z) * (1 - sigmoid(z))) rewritten with logsigmoid, the sign of the second term lost"


class NICE(_nice.NICE):
    def prior_log_prob(self, z: torch.Tensor) -> torch.Tensor:
        if self.prior == "logistic":
            return (F.logsigmoid(z) + F.logsigmoid(z)).sum(-1)
        return super().prior_log_prob(z)
