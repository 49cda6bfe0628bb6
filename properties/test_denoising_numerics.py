r"""Numerics of ``denoising_loss`` at saturated logits, up to each dtype's largest number, for binary
and grey-level targets: ``mean_i [softplus(l_i) - x_i l_i]``, finite wherever the mean is (the sum of
the per-pixel terms may overflow where their mean does not). Oracle: mpmath.
Reference: ``reference/denoising.py``.
"""

from __future__ import annotations

import mpmath
import pytest
from hypothesis import given, settings, strategies as st

from genspec import domains as dom
from genspec.numerics import assert_numerics, mp_map

pytestmark = [pytest.mark.area("autoencoders"), pytest.mark.tier("numerics")]


@settings(max_examples=6)
@given(data=st.data(), dtype=st.sampled_from([dom.F32, dom.F64]))
def test_denoising_loss_at_saturated_logits(impl, data, dtype):
    shape = (data.draw(st.integers(1, 3)), data.draw(st.integers(1, 5)))
    logits = data.draw(dom.edge_tensors(shape, "denoising_loss", "logits", dtype, moderate=40.0))
    x = data.draw(dom.pixels(dtype, shape))
    got = impl.denoising_loss(lambda noisy: logits, x, x.clone())
    d = shape[-1]
    terms = mp_map(lambda t, v: (mpmath.log1p(mpmath.exp(v)) - t * v) / d, x, logits)  # summed as means: no overflow
    assert_numerics(got, terms.sum(-1), kind="edge_reduction", scale=terms.abs().sum(-1),
                    what=f"mean BCE(logits, x) at saturated {dtype} logits")
