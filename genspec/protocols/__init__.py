"""Protocol checks: judge any normalizing flow, reparameterized sampler or relaxed categorical by its
behaviour alone (docs/spec-api.md, "Protocols").

| module | what |
|---|---|
| ``api`` | ``check_flow``, ``check_sampler``, ``check_relaxed`` and the property registries |
| ``core`` | properties and tiers, ``ProtocolError``, reproducible cases, the pytest bridge |
| ``perturb`` | noise on every parameter of a module (identity initialisations hide bugs) |
| ``jacobian`` | the autograd Jacobian oracle and its log-determinant, with a recorded fallback |
| ``flow_setup``, ``flows`` | a flow factory's cases; round trips, log-determinants, shapes, composition |
| ``flow_density`` | a flow that is a distribution: log_prob normalises, sample follows log_prob |
| ``mass`` | the ball-mass test of a sampler against its own density |
| ``samplers``, ``sampler_gradient`` | shapes, gradients, the law of ``rsample``, unbiased gradients |
| ``relaxed``, ``relaxed_stats`` | relaxed one-hot samples: simplex, gradient, limits in tau, density, law |

From a user's own tests::

    import genspec
    genspec.check_flow(make)          # make(dim, *, generator, dtype) -> flow
    genspec.check_sampler(make)       # make(*, generator, dtype) -> sampler
    genspec.check_relaxed(relaxed)    # relaxed.sample(logits, tau, *, generator)
"""

from __future__ import annotations

from genspec.protocols.api import (FLOW_PROPERTIES, RELAXED_PROPERTIES, SAMPLER_PROPERTIES, check_flow,
                                   check_relaxed, check_sampler, flow_property, run_flow_property)
from genspec.protocols.core import TIERS, NotApplicable, Property, ProtocolError, run_in_pytest, run_properties

__all__ = ["FLOW_PROPERTIES", "RELAXED_PROPERTIES", "SAMPLER_PROPERTIES", "TIERS", "NotApplicable", "Property",
           "ProtocolError", "check_flow", "check_relaxed", "check_sampler", "flow_property", "run_flow_property",
           "run_in_pytest", "run_properties"]
