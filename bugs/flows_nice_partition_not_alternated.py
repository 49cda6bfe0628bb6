"""NICE uses the same even/odd partition in every coupling: the even-index coordinates are never
shifted (z_i = exp(s_i) x_i there), half the model is a diagonal scaling."""
from genspec.reference import *  # noqa: F401,F403
from genspec.reference import nice as _nice
from genspec.reference.composition import FlowSequential
from genspec.reference.coupling import AdditiveCoupling
from genspec.reference.partitions import interleaved_mask

AREA = "flows"
TIER = "law"
CAUGHT_BY = "properties/test_nice.py::test_every_coordinate_is_moved_by_the_stack"
SOURCE = "ikostrikov/pytorch-flows#10 (alternate the mask for each stack in glow); seed 003, 交错中前进"


class NICE(_nice.NICE):
    def __init__(self, dim: int, *, couplings: int = 4, hidden: int = 1000, depth: int = 5,
                 prior: str = "logistic") -> None:
        super().__init__(dim, couplings=couplings, hidden=hidden, depth=depth, prior=prior)
        mask = interleaved_mask(dim)
        layers = [AdditiveCoupling(mask, _nice.coupling_mlp(int(mask.sum()), int((~mask).sum()),
                                                           hidden=hidden, depth=depth))
                  for _ in range(couplings)]
        self.couplings = FlowSequential(layers)
