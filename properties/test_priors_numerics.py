r"""Numerics of NICE's priors (``NICE.prior_log_prob``) at latents beyond |h| = 88, where ``exp(h)``
overflows float32, up to each dtype's largest number.

Standard logistic: ``log p(h) = -softplus(h) - softplus(-h) = -|h| - 2 log1p(exp(-|h|))``, finite for
every finite h (``-log(1 + exp(h))`` is -inf above h = 88.7 in float32); its gradient is
``-tanh(h / 2)``. Standard normal: ``-h^2 / 2 - log(2 pi) / 2``, -inf only where h^2 / 2 overflows;
gradient ``-h``. Oracles: mpmath. Reference: ``reference/priors.py``, ``reference/nice.py``.
"""

from __future__ import annotations

import math

import mpmath
import pytest
import torch
from hypothesis import given, settings, strategies as st

from genspec import domains as dom
from genspec.numerics import assert_numerics, mp_map

pytestmark = [pytest.mark.area("flows"), pytest.mark.tier("numerics")]

LOG_DENSITY = {
    "logistic": lambda h: -(mpmath.log1p(mpmath.exp(h)) + mpmath.log1p(mpmath.exp(-h))),
    "gaussian": lambda h: -(h * h + mpmath.log(2 * mpmath.pi)) / 2,
}
SCORE = {"logistic": lambda h: -mpmath.tanh(h / 2), "gaussian": lambda h: -h}


@settings(max_examples=8)
@given(data=st.data(), prior=st.sampled_from(["logistic", "gaussian"]), dtype=st.sampled_from([dom.F32, dom.F64]))
def test_prior_log_density_and_score_beyond_exp_overflow(impl, data, prior, dtype):
    d = data.draw(st.integers(2, 5))
    model = impl.NICE(d, couplings=1, hidden=2, depth=0, prior=prior).to(dtype)
    h = data.draw(dom.edge_tensors((data.draw(st.integers(1, 3)), d), "NICE.prior_log_prob", "z", dtype,
                                   moderate=200.0)).requires_grad_(True)
    log_p = model.prior_log_prob(h)
    terms = mp_map(LOG_DENSITY[prior], h.detach())
    assert_numerics(log_p, terms.sum(-1), kind="edge_reduction",
                    what=f"{prior} prior log density at |h| up to {float(h.detach().abs().max()):.3g} ({dtype})")
    finite = torch.isfinite(log_p)
    if bool(finite.any()):
        (g,) = torch.autograd.grad(log_p[finite].sum(), (h,))
        size = 1.0 if prior == "logistic" else h.detach().abs()[finite]  # sigmoid(h) - sigmoid(-h): terms of 1/2
        assert_numerics(g[finite], mp_map(SCORE[prior], h.detach())[finite], kind="edge_gradient", scale=size,
                        what=f"d log p / d h of the {prior} prior ({dtype})")


@pytest.mark.parametrize("dtype", [dom.F32, dom.F64], ids=str)
def test_logistic_prior_just_beyond_exp_overflow(impl, dtype):
    """h = ±89, ±100, ±710, ±1000: log p = -|h| - 2 log1p(exp(-|h|)), not -inf."""
    values = [89.0, -100.0, 710.0, -1000.0] if dtype == dom.F64 else [89.0, -100.0, 200.0, -1000.0]
    h = torch.tensor([values], dtype=dtype)
    model = impl.NICE(4, couplings=1, hidden=2, depth=0, prior="logistic").to(dtype)
    assert_numerics(model.prior_log_prob(h), mp_map(LOG_DENSITY["logistic"], h).sum(-1), kind="edge_reduction",
                    what=f"logistic prior at h = {values}")
    assert math.isfinite(float(model.prior_log_prob(h)))
