"""A reparameterized Gaussian sampler whose rsample draws under torch.no_grad(): no gradient reaches mu, logvar.

The draws have the right law (every statistical check of the values passes); the point of rsample,
differentiability in the parameters, is lost, as with ``.sample()`` where ``.rsample()`` is meant.
"""

from __future__ import annotations

import torch
from torch import Tensor

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.protocols import DiagonalGaussian as _DiagonalGaussian

AREA = "gaussian"
TIER = "law"
CAUGHT_BY = "properties/test_protocols_samplers.py::test_sampler_shapes_dtypes_and_gradients"
SOURCE = ("jankrepl/deepdow#106 (Fix rsample bug: Normal(...).sample() where rsample() was meant left no "
          "gradient path to the parameters)")


class DetachedGaussian(_DiagonalGaussian):
    def rsample(self, sample_shape: tuple[int, ...] = (), *, generator: torch.Generator | None = None) -> Tensor:
        with torch.no_grad():  # BUG: the draws are cut off from mu and logvar
            return super().rsample(sample_shape, generator=generator)


def _make(*, generator: torch.Generator, dtype: torch.dtype = torch.float64) -> DetachedGaussian:
    mu = (0.5 * torch.randn(3, generator=generator, dtype=torch.float64)).to(dtype).requires_grad_()
    logvar = (0.5 * torch.randn(3, generator=generator, dtype=torch.float64)).to(dtype).requires_grad_()
    return DetachedGaussian(mu, logvar)


SAMPLERS = {"DiagonalGaussian-3": _make}
