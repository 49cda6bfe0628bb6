r"""The relaxed-categorical protocol, statistically: the law of the samples.

For every entry of the implementation's ``RELAXED`` registry (designs from ``genspec.stats``,
α = 1e-6 per item, power 0.99):

* the argmax of y = sample(logits, 1) is Categorical(softmax(logits)): Pearson chi-square; n detects
  0.5% of the probability moved from the most to the least likely of K = 5 classes (w = 0.027);
* tau (log y_0 - log y_K-1) - (l_0 - l_K-1) = g_0 - g_K-1 is standard logistic at tau = 0.5 and 2:
  one-sample KS, each at α/2, detecting a CDF distance of 0.025 (a temperature ignored or multiplied,
  noise that is not Gumbel).

References: docs/spec-api.md, "Protocols"; Maddison et al., arXiv:1611.00712, Proposition 1;
``statistical/test_gumbel_argmax.py`` (the same chi-square design).
"""

from __future__ import annotations

from typing import Any

import pytest
import torch

from genspec.protocols import RELAXED_PROPERTIES, run_in_pytest
from genspec.protocols.core import seed_from
from genspec.protocols.relaxed_stats import ARGMAX_DESIGN, LOGISTIC_DESIGN
from genspec.stats import Design

pytestmark = pytest.mark.area("gumbel")

PROPERTIES = {p.name: p for p in RELAXED_PROPERTIES}


def _statistical(design: Design) -> pytest.MarkDecorator:
    return pytest.mark.statistical(statistic=design.statistic, n=design.n, alpha=design.alpha, detects=design.detects)


def _judge(name: str, impl: Any, relaxed_entry: str, generator: torch.Generator) -> dict[str, Any]:
    entry = impl.RELAXED[relaxed_entry]
    prop = PROPERTIES[name]
    seed = seed_from(generator)
    return run_in_pytest(prop, lambda: prop.run(entry, seed=seed))


@pytest.mark.tier("law")
@_statistical(ARGMAX_DESIGN)
def test_relaxed_argmax_frequencies_are_softmax(impl, relaxed_entry, generator):
    _judge("argmax_frequencies", impl, relaxed_entry, generator)


@pytest.mark.tier("law")
@_statistical(LOGISTIC_DESIGN)
def test_relaxed_tempered_log_ratio_is_logistic(impl, relaxed_entry, generator):
    _judge("log_ratio_is_logistic", impl, relaxed_entry, generator)
