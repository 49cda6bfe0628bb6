r"""The sampler protocol: any reparameterized sampler of the implementation's ``SAMPLERS`` registry.

One test per deterministic property of ``genspec.protocols.SAMPLER_PROPERTIES``, once per registry
entry (``sampler_entry``; a module without ``SAMPLERS`` gets each test as *not provided*):

    rsample(S) of shape (*S, *event_shape), in the factory's dtype (float64, float32), finite;
    log_prob of shape S; parameters() are leaves requiring grad and rsample's gradient reaches each
    the same generator seed gives the same parameters and draws whatever the global RNG

The law of ``rsample`` against ``log_prob`` and the unbiasedness of its gradient are statistical:
``statistical/test_protocols_samplers.py``.

References: docs/spec-api.md, "Protocols"; Kingma & Welling, arXiv:1312.6114 §2.4; seed 000.
"""

from __future__ import annotations

from typing import Any

import pytest
import torch

from genspec.protocols import SAMPLER_PROPERTIES, run_in_pytest
from genspec.protocols.core import seed_from

pytestmark = pytest.mark.area("gaussian")

PROPERTIES = {p.name: p for p in SAMPLER_PROPERTIES}


def _judge(name: str, impl: Any, sampler_entry: str, generator: torch.Generator) -> dict[str, Any]:
    make = impl.SAMPLERS[sampler_entry]
    prop = PROPERTIES[name]
    seed = seed_from(generator)
    return run_in_pytest(prop, lambda: prop.run(make, seed=seed))


@pytest.mark.tier("law")
def test_sampler_shapes_dtypes_and_gradients(impl, sampler_entry, generator):
    _judge("shapes_and_gradients", impl, sampler_entry, generator)


@pytest.mark.tier("law")
def test_sampler_generator_is_honoured(impl, sampler_entry, generator):
    _judge("generator_honoured", impl, sampler_entry, generator)
