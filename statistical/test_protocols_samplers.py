r"""The sampler protocol, statistically: ``rsample`` follows ``log_prob``, and its gradient is unbiased.

For every entry of the implementation's ``SAMPLERS`` registry (designs from ``genspec.stats``,
α = 1e-6 per item, power 0.99):

* 1-D events: the draws inside the central 99% of a pilot against exp(log_prob) renormalised there
  (one-sample KS of the CDF transform, Gauss-Legendre quadrature between the sorted draws) and the
  count inside against the mass of exp(log_prob) there (exact binomial), each at α/2;
* larger events: the ball-mass z-test (``genspec.protocols.mass``); draws on a lower-dimensional set
  (a simplex) skip as not applicable;
* every sampler: the rsample (pathwise) gradient of E f(x) for a smooth bounded f against the
  score-function estimate, paired over batches, a t-test per parameter coordinate with Bonferroni;
  a support that moves with the parameters skips as not applicable.

References: docs/spec-api.md, "Protocols"; Mohamed et al., arXiv:1906.10652 §4-5.
"""

from __future__ import annotations

from typing import Any

import pytest
import torch

from genspec.protocols import SAMPLER_PROPERTIES, run_in_pytest
from genspec.protocols.core import seed_from
from genspec.protocols.sampler_gradient import GRADIENT_DESIGN
from genspec.protocols.samplers import BALL_DESIGN, LAW_DESIGN
from genspec.stats import Design

pytestmark = pytest.mark.area("gaussian")

PROPERTIES = {p.name: p for p in SAMPLER_PROPERTIES}


def _statistical(design: Design) -> pytest.MarkDecorator:
    return pytest.mark.statistical(statistic=design.statistic, n=design.n, alpha=design.alpha, detects=design.detects)


def _judge(name: str, impl: Any, sampler_entry: str, generator: torch.Generator) -> dict[str, Any]:
    make = impl.SAMPLERS[sampler_entry]
    prop = PROPERTIES[name]
    seed = seed_from(generator)
    return run_in_pytest(prop, lambda: prop.run(make, seed=seed))


@pytest.mark.tier("law")
@_statistical(LAW_DESIGN)
def test_sampler_1d_law_follows_log_prob(impl, sampler_entry, generator):
    _judge("law_1d", impl, sampler_entry, generator)


@pytest.mark.tier("law")
@_statistical(BALL_DESIGN)
def test_sampler_ball_mass_follows_log_prob(impl, sampler_entry, generator):
    _judge("ball_mass", impl, sampler_entry, generator)


@pytest.mark.tier("law")
@_statistical(GRADIENT_DESIGN)
def test_sampler_reparameterized_gradient_is_unbiased(impl, sampler_entry, generator):
    _judge("gradient_unbiased", impl, sampler_entry, generator)
