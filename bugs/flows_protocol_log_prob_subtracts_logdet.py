"""A flow distribution whose log_prob subtracts the forward log-determinant: log p(z) - log|det ∂z/∂x|.

The generator's convention (log p(x) = log p(z) - log|det ∂x/∂z|) applied to the encoder's Jacobian;
the density then integrates to E[exp(-2 logdet)] instead of 1.
"""

from __future__ import annotations

import torch

from genspec.reference import *  # noqa: F401,F403
from genspec.reference import nice as _nice
from genspec.reference.protocols import flow_factory

AREA = "flows"
TIER = "law"
CAUGHT_BY = "properties/test_protocols_flows.py::test_flow_log_prob_normalises"
SOURCE = "ikostrikov/pytorch-flows#16 (Need minus sign in reverse log density computation)"


class SubtractingNICE(_nice.NICE):
    def log_prob(self, x: torch.Tensor) -> torch.Tensor:
        z, log_det = self(x)
        return self.prior_log_prob(z) - log_det  # BUG: + log_det


FLOWS = {"NICE-gaussian": flow_factory(lambda dim, g: SubtractingNICE(dim, couplings=4, hidden=8, depth=2,
                                                                  prior="gaussian"), tuple(range(2, 9)))}
