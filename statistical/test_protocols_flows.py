r"""The flow protocol, statistically: a flow that is a distribution samples from its own log_prob.

For every entry of the implementation's ``FLOWS`` registry with ``log_prob`` and ``sample``, in a
small dimension (3 when supported), the mass of a ball around the median under exp(log_prob)
(uniform points in the ball) against the fraction of ``sample()`` in it, by a two-sided z-test
(``genspec.protocols.mass``). Design from ``genspec.stats.z_sample_size``: α = 1e-6 per item (a
registry of 30 entries spends 3e-5 of the flows area's share); n detects a 15% error of the ball's
mass (0.14 nats of log_prob) with power 0.99 when the ball holds >= 20% of the draws. Entries that
are not distributions skip as not applicable.

References: docs/spec-api.md, "Protocols"; seed 003, section 直面概率积分; made generic from
``statistical/test_nice.py``'s ball test.
"""

from __future__ import annotations

import pytest

from genspec.protocols import flow_property, run_flow_property, run_in_pytest
from genspec.protocols.core import seed_from
from genspec.protocols.flow_density import BALL_DESIGN

pytestmark = pytest.mark.area("flows")


@pytest.mark.tier("law")
@pytest.mark.statistical(statistic=BALL_DESIGN.statistic, n=BALL_DESIGN.n, alpha=BALL_DESIGN.alpha,
                         detects=BALL_DESIGN.detects)
def test_flow_samples_follow_log_prob(impl, flow_entry, generator):
    make = impl.FLOWS[flow_entry]
    prop = flow_property("samples_follow_log_prob")
    seed = seed_from(generator)
    run_in_pytest(prop, lambda: run_flow_property(prop, make, seed=seed))
