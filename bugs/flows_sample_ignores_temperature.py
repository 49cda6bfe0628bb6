"""NICE.sample accepts a temperature and ignores it: every draw uses the prior at temperature 1."""
import torch

from genspec.reference import *  # noqa: F401,F403
from genspec.reference import nice as _nice

AREA = "flows"
TIER = "law"
CAUGHT_BY = "properties/test_nice.py::test_sample_latent_is_temperature_times_the_prior_draw"
SOURCE = ("NVlabs/NVAE#55 (fix: NormalDecoder.sample ignores its temperature argument: sample(self,"
          " t=1.) never uses t)")


class NICE(_nice.NICE):
    def sample(self, n: int, *, temperature: float = 1.0,
               generator: torch.Generator | None = None) -> torch.Tensor:
        _ = super().sample(0, temperature=temperature)  # validates temperature
        return super().sample(n, temperature=1.0, generator=generator)
