"""RandomPermutation keeps its permutation as a plain attribute, not a buffer.

The state_dict does not hold it: a model rebuilt and loaded from a checkpoint draws a new random
permutation and no longer computes the saved function (nor does ``.to(device)`` move it).
"""
import torch
from torch import nn

from genspec.reference import *  # noqa: F401,F403

AREA = "flows"
TIER = "law"
CAUGHT_BY = "properties/test_protocols_layers.py::test_state_dict_save_and_load_restores_the_layer"
SOURCE = ("ikostrikov/pytorch-flows#17 (Shuffle perm not saved by torch.save); "
          "pyro-ppl/pyro#2436 (AutoRegressiveNN permutation not in a buffer)")


class RandomPermutation(nn.Module):
    def __init__(self, dim: int, *, generator: torch.Generator | None = None) -> None:
        super().__init__()
        self.permutation = torch.randperm(dim, generator=generator)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return x[..., self.permutation], x.new_zeros(x.shape[:-1])

    def inverse(self, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return y[..., torch.argsort(self.permutation)], y.new_zeros(y.shape[:-1])
