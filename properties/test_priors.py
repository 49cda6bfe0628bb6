r"""Properties of NICE's factorised priors, through ``NICE.prior_log_prob`` and ``NICE.sample``.

    standard normal:    log p(z) = sum_i [ -z_i^2 / 2 - log(2 pi) / 2 ]
    standard logistic:  log p(z) = sum_i [ -softplus(z_i) - softplus(-z_i) ]

Oracles: ``scipy.stats.logistic`` and ``torch.distributions.Normal`` in float64
(``genspec.oracles.densities.prior_log_prob64``), over latents up to |z| = 30 (float32) and 80
(float64), where a logistic density written as ``log(sigmoid(z) (1 - sigmoid(z)))`` has already
rounded to log 0. The prior's draws are checked in ``statistical/test_nice.py``.

References: seed 003_2bb67353180af150.txt, section 背景 / 直面概率积分, eq. (4) and (6) (the normal
prior and its -D/2 log(2 pi)); Dinh et al., arXiv:1410.8516, §3.4 (the logistic prior).
"""

from __future__ import annotations

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from genspec import strategies as gst
from genspec.checks import assert_close
from genspec.oracles.densities import prior_log_prob64

pytestmark = [pytest.mark.area("flows"), pytest.mark.tier("law"), pytest.mark.feature("nice_internals")]

LAW_BOUND = 8.0
"""Latents where plain arithmetic in either dtype is accurate (sigmoid(8) < 1 in float32)."""

EDGE_BOUND = {torch.float32: 30.0, torch.float64: 80.0}
"""Latents a trained flow reaches; log(sigmoid(z) (1 - sigmoid(z))) is log 0 there in float32."""


def _check(impl, prior: str, data: st.DataObject, bound: dict[torch.dtype, float] | float) -> None:
    dtype = data.draw(gst.float_dtypes())
    b = bound[dtype] if isinstance(bound, dict) else bound
    dim = data.draw(st.integers(2, 7))
    batch = data.draw(gst.batch_shapes(min_rank=0, max_rank=2))
    z = data.draw(gst.tensors((*batch, dim), dtype=dtype, min_value=-b, max_value=b))
    model = impl.NICE(dim, couplings=2, hidden=4, depth=1, prior=prior).to(dtype)
    got = model.prior_log_prob(z)
    assert got.shape == z.shape[:-1] and got.dtype == dtype, f"prior_log_prob: {tuple(got.shape)}, {got.dtype}"
    assert_close(got, prior_log_prob64(z, prior), kind="reduction", what=f"{prior} prior log density, summed")


@pytest.mark.parametrize("prior", ["logistic", "gaussian"])
@given(data=st.data())
def test_prior_log_prob_is_the_factorised_standard_density(impl, prior, data):
    _check(impl, prior, data, LAW_BOUND)


@pytest.mark.tier("numerics")
@pytest.mark.parametrize("prior", ["logistic", "gaussian"])
@given(data=st.data())
def test_prior_log_prob_is_accurate_for_latents_far_in_the_tails(impl, prior, data):
    _check(impl, prior, data, EDGE_BOUND)
