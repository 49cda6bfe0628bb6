"""AdditiveCoupling returns ``torch.zeros(x.shape[0])`` as its logdet: the default dtype (float32
for float64 input) and shape (batch_size,) rather than the batch shape for batch ranks != 1."""
import torch

from genspec.reference import *  # noqa: F401,F403
from genspec.reference import coupling as _coupling

AREA = "flows"
TIER = "law"
CAUGHT_BY = "properties/test_protocols_layers.py::test_forward_of_inverse_is_identity"
SOURCE = ("tonyduan/normalizing-flows#6 (log_det = torch.zeros(z.shape[0]) in nf/flows.py: default "
          "dtype, on the CPU whatever the input); karpathy/pytorch-normalizing-flows "
          "nflib/flows.py@8153fa04dc0878011e00fbe0d86f54e2b7c97839 (log_det = torch.zeros(m), m = x.shape[0])")


class AdditiveCoupling(_coupling.AdditiveCoupling):
    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        y, _ = super().forward(x)
        return y, torch.zeros(x.shape[0])

    def inverse(self, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        x, _ = super().inverse(y)
        return x, torch.zeros(y.shape[0])
