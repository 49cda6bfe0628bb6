"""Scaling multiplies by exp(-log_scale) (the seed's sigma = exp(-s) read as the scale) while the
logdet stays +sum(log_scale). Round trips pass; the density is wrong by exp(2 sum(s))."""
import torch

from genspec.reference import *  # noqa: F401,F403
from genspec.reference import scaling as _scaling

AREA = "flows"
TIER = "law"
CAUGHT_BY = "properties/test_protocols_layers.py::test_forward_logdet_is_log_abs_det_of_autograd_jacobian"
SOURCE = ("ikostrikov/pytorch-flows#16 (u = (x - m) * exp(-a) with the logdet sign of exp(+a)); "
          "seed 003's s_i = 1/sigma_i invites exp(-s)")


class Scaling(_scaling.Scaling):
    def forward(self, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        self._check(h, "h")
        log_scale = self.log_scale.to(h.dtype)
        return h * torch.exp(-log_scale), h.new_zeros(h.shape[:-1]) + log_scale.sum()

    def inverse(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        self._check(z, "z")
        log_scale = self.log_scale.to(z.dtype)
        return z * torch.exp(log_scale), z.new_zeros(z.shape[:-1]) - log_scale.sum()
