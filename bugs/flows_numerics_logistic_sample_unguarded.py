"""NICE samples its logistic prior as log(u) - log(1 - u), unguarded: u = 0 gives -inf.

A float32 uniform is exactly 0 once in 2^24 draws (once per 21 MNIST-sized samples of 784 pixels); the
logit of 0 is -inf and the inverse flow turns it into -inf or NaN pixels.
"""
import math

import torch

from genspec.reference import *  # noqa: F401,F403
from genspec.reference import nice as _nice

AREA = "flows"
TIER = "numerics"
CAUGHT_BY = "properties/test_nice_extremes.py::test_nice_samples_at_the_generator_extremes_are_finite"
SOURCE = ("fmu2/NICE utils.py (StandardLogistic.sample: z = torch.distributions.Uniform(0., 1.).sample(size); "
          "return torch.log(z) - torch.log(1. - z)), copied into many NICE ports (LogisticDistribution.sample)")


class NICE(_nice.NICE):
    def sample(self, n: int, *, temperature: float = 1.0, generator: torch.Generator | None = None) -> torch.Tensor:
        if self.prior != "logistic":
            return super().sample(n, temperature=temperature, generator=generator)
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ValueError(f"n={n!r} must be a non-negative integer")
        t = float(temperature)
        if not (math.isfinite(t) and t > 0):
            raise ValueError(f"temperature={temperature!r} must be a positive finite number")
        ref = self.scaling.log_scale
        u = torch.rand((n, self.dim), generator=generator, dtype=ref.dtype)
        eps = torch.log(u) - torch.log(1 - u)  # BUG: no guard at u = 0
        x, _ = self.inverse(t * eps.to(ref.device))
        return x
