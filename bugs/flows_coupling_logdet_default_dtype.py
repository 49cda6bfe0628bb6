"""AdditiveCoupling returns ``torch.zeros(x.shape[0])`` as its logdet: the default dtype (float32
for float64 input) and shape (batch_size,) rather than the batch shape for batch ranks != 1."""
import torch

from reference import *  # noqa: F401,F403
from reference import coupling as _coupling

AREA = "flows"
CAUGHT_BY = "properties/test_bijector.py::test_forward_of_inverse_is_identity"
SOURCE = "plausible: torch.zeros(batch_size) for a volume-preserving layer, seen in many NICE ports"


class AdditiveCoupling(_coupling.AdditiveCoupling):
    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        y, _ = super().forward(x)
        return y, torch.zeros(x.shape[0])

    def inverse(self, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        x, _ = super().inverse(y)
        return x, torch.zeros(y.shape[0])
