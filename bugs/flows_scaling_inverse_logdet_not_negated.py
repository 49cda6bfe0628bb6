"""Scaling's inverse returns the forward's logdet, +sum(log_scale), instead of -sum(log_scale).

The log-determinant is computed once, before the direction is chosen, and returned for both. The
inverse's output is right, so round trips pass, and with log_scale at its zero initialisation both
logdets are 0; only a non-zero log_scale and the inverse's own Jacobian (or inverse logdet =
-forward logdet) see it.
"""
import torch

from genspec.reference import *  # noqa: F401,F403
from genspec.reference import scaling as _scaling

AREA = "flows"
TIER = "law"
CAUGHT_BY = "properties/test_protocols_layers.py::test_inverse_logdet_is_log_abs_det_of_autograd_jacobian"
SOURCE = ("fmu2/NICE nice.py@a4e5ff1d15c1a09c7fc53f4e40b16511cdbdd1e1: Scaling.forward computes "
          "log_det_J = torch.sum(self.scale) and returns it for reverse=True too; "
          "Information-Fusion-Lab-Umass/NuX#10 (CenterAndScale returns log_s.sum() in both "
          "directions: 'The log_det for the inverse should be -log_det')")


class Scaling(_scaling.Scaling):
    def inverse(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h, log_det = super().inverse(z)
        return h, -log_det
