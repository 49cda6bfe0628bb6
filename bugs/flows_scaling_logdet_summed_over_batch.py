"""Scaling's logdet is summed over the batch as well as over the coordinates: one scalar per batch.

``(log_scale * torch.ones_like(h)).sum()`` sums every element instead of the last dimension, so
the logdet is batch_size times too large and has shape () instead of the batch shape.
"""
import torch

from genspec.reference import *  # noqa: F401,F403
from genspec.reference import scaling as _scaling

AREA = "flows"
TIER = "law"
CAUGHT_BY = "properties/test_protocols_layers.py::test_forward_logdet_is_log_abs_det_of_autograd_jacobian"
SOURCE = ("wohlert/semi-supervised-pytorch#21 (the flows' log-det, one value per example, is reduced "
          "over the batch by sum() before being subtracted from each example's log q(z))")


class Scaling(_scaling.Scaling):
    def forward(self, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        z, _ = super().forward(h)
        return z, (self.log_scale.to(h.dtype) * torch.ones_like(h)).sum()

    def inverse(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h, _ = super().inverse(z)
        return h, -(self.log_scale.to(z.dtype) * torch.ones_like(z)).sum()
