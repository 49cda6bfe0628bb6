"""NICE's Gaussian prior drops the -D/2 log(2 pi) constant: log_prob is too high by 0.919 D nats.

Harmless for training (a constant), wrong for every reported likelihood and bits per dim.
"""
import torch

from genspec.reference import *  # noqa: F401,F403
from genspec.reference import nice as _nice

AREA = "flows"
TIER = "law"
CAUGHT_BY = "properties/test_nice.py::test_log_prob_is_prior_log_prob_plus_log_abs_det_jacobian"
SOURCE = ("gathierry/FastFlow#18 (why loss is negative?: the flow's Gaussian NLL drops the D/2 "
          "log(2 pi) constant, so the reported loss is below the true NLL); the seed's own loss "
          "(eq. (15), '~' up to constants)")


class NICE(_nice.NICE):
    def prior_log_prob(self, z: torch.Tensor) -> torch.Tensor:
        if self.prior == "gaussian":
            return (-0.5 * z * z).sum(-1)
        return super().prior_log_prob(z)
