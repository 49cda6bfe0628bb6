"""Scaling's logdet has the wrong sign in both directions: forward -sum(s), inverse +sum(s).

The two logdets are still negatives of each other, so a check of forward + inverse = 0 passes;
only an independent Jacobian (autograd slogdet) sees it. flowjax's NumericalInverse shipped a
wrong logdet sign that its test missed because "the test case used a transform with log_det=0".
"""
import torch

from genspec.reference import *  # noqa: F401,F403
from genspec.reference import scaling as _scaling

AREA = "flows"
TIER = "law"
CAUGHT_BY = "properties/test_protocols_layers.py::test_forward_logdet_is_log_abs_det_of_autograd_jacobian"
SOURCE = ("danielward27/flowjax#208 (wrong logdet sign, missed by a log_det=0 test case); "
          "VincentStimper/normalizing-flows#27 (sign of the forward log det)")


class Scaling(_scaling.Scaling):
    def forward(self, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        z, log_det = super().forward(h)
        return z, -log_det

    def inverse(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h, log_det = super().inverse(z)
        return h, -log_det
