r"""The relaxed-categorical protocol: any entry of the implementation's ``RELAXED`` registry.

One test per deterministic property of ``genspec.protocols.RELAXED_PROPERTIES``, once per entry
(``relaxed_entry``; a module without ``RELAXED`` gets each test as *not provided*). For
y = sample(logits, tau) = softmax((logits + g) / tau), g standard Gumbel:

    y has the logits' shape and dtype, y >= 0 (> 0 in float64), sum 1          on the simplex
    ∇_logits (w · y) = (y ⊙ w - y (y · w)) / tau                                pathwise gradient
    tau = 0.01: mean max_k y_k >= 0.9;  tau = 100: mean max_k |K y_k - 1| <= 0.25   limits in tau
    the same generator seed gives the same sample whatever the global RNG
    log_prob (when given) = the Concrete log density, and it integrates to 1 (K = 2, 3)
    tau = 1e-3 and 1e3 in float32 and float64: still on the simplex             (numerics tier)
    tau = 0, -1, NaN, +inf raise ValueError naming tau                          (validation tier)

The law of the samples (argmax frequencies, the tempered log-ratio) is in
``statistical/test_protocols_relaxed.py``.

References: docs/spec-api.md, "Protocols"; Maddison et al., arXiv:1611.00712, Definition 1, eq. (6);
Jang et al., arXiv:1611.01144; seed 000, "Gumbel Softmax".
"""

from __future__ import annotations

from typing import Any

import pytest
import torch

from genspec.protocols import RELAXED_PROPERTIES, run_in_pytest
from genspec.protocols.core import seed_from

pytestmark = pytest.mark.area("gumbel")

PROPERTIES = {p.name: p for p in RELAXED_PROPERTIES}


def _judge(name: str, impl: Any, relaxed_entry: str, generator: torch.Generator) -> dict[str, Any]:
    entry = impl.RELAXED[relaxed_entry]
    prop = PROPERTIES[name]
    seed = seed_from(generator)
    return run_in_pytest(prop, lambda: prop.run(entry, seed=seed))


@pytest.mark.tier("law")
def test_relaxed_sample_is_on_the_simplex(impl, relaxed_entry, generator):
    _judge("on_simplex", impl, relaxed_entry, generator)


@pytest.mark.tier("law")
def test_relaxed_gradient_is_the_gumbel_softmax_gradient(impl, relaxed_entry, generator):
    _judge("gradient", impl, relaxed_entry, generator)


@pytest.mark.tier("law")
def test_relaxed_temperature_limits(impl, relaxed_entry, generator):
    _judge("temperature_limits", impl, relaxed_entry, generator)


@pytest.mark.tier("law")
def test_relaxed_generator_is_honoured(impl, relaxed_entry, generator):
    _judge("generator_honoured", impl, relaxed_entry, generator)


@pytest.mark.tier("law")
def test_relaxed_log_prob_is_the_concrete_density(impl, relaxed_entry, generator):
    _judge("log_prob_is_concrete", impl, relaxed_entry, generator)


@pytest.mark.tier("law")
def test_relaxed_log_prob_normalises(impl, relaxed_entry, generator):
    _judge("log_prob_normalises", impl, relaxed_entry, generator)


@pytest.mark.tier("numerics")
def test_relaxed_sample_at_extreme_temperatures(impl, relaxed_entry, generator):
    _judge("extreme_temperatures", impl, relaxed_entry, generator)


@pytest.mark.tier("validation")
def test_relaxed_rejects_invalid_temperatures(impl, relaxed_entry, generator):
    _judge("rejects_invalid_temperatures", impl, relaxed_entry, generator)
