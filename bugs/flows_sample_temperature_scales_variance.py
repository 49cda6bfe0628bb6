"""NICE.sample treats the temperature as a variance: z = sqrt(T) * eps, so T = 0.8 gives a
standard deviation of 0.89 instead of the seed's 0.8."""
import math

import torch

from genspec.reference import *  # noqa: F401,F403
from genspec.reference import nice as _nice

AREA = "flows"
TIER = "law"
CAUGHT_BY = "properties/test_nice.py::test_sample_latent_is_temperature_times_the_prior_draw"
SOURCE = ("astro-informatics/harmonic#328 (one flow's base distribution takes the temperature T as "
          "a standard deviation, scale_diag=T, another as a variance, covariance=I*T, i.e. a "
          "standard deviation sqrt(T))")


class NICE(_nice.NICE):
    def sample(self, n: int, *, temperature: float = 1.0,
               generator: torch.Generator | None = None) -> torch.Tensor:
        _ = super().sample(0, temperature=temperature)  # validates temperature
        return super().sample(n, temperature=math.sqrt(float(temperature)), generator=generator)
