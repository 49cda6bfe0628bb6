"""NICE.log_prob subtracts the logdet: log p(z) - log|det df/dx| (the generator's sign convention
applied to the encoder's Jacobian)."""
import torch

from genspec.reference import *  # noqa: F401,F403
from genspec.reference import nice as _nice

AREA = "flows"
TIER = "law"
CAUGHT_BY = "properties/test_nice.py::test_log_prob_is_prior_log_prob_plus_log_abs_det_jacobian"
SOURCE = "ikostrikov/pytorch-flows#16 (Need minus sign in reverse log density computation)"


class NICE(_nice.NICE):
    def log_prob(self, x: torch.Tensor) -> torch.Tensor:
        self._check_x(x)
        z, log_det = self(x)
        return self.prior_log_prob(z) - log_det
