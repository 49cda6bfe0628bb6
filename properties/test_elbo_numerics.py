r"""Numerics of ``negative_elbo``, the VAE loss, at saturation: decoder logits up to the float32 edge
for binary and grey-level x, with the encoder's log-variance at its edges (``genspec.domains.EDGES``).

``-ELBO = sum_j [x_j softplus(-l_j) + (1 - x_j) softplus(l_j)] + sum_k (exp(logvar_k) - 1 - logvar_k +
mu_k^2) / 2``, both non-negative, so the loss is never ``inf - inf``: finite wherever the true value
is, +inf where it overflows. A loss computed as BCE on sigmoid outputs (seed 000's listing) caps each
saturated pixel at 100 nats; one with ``log(p + 1e-10)`` at 23. Oracle: mpmath. Reference:
``reference/elbo.py``.
"""

from __future__ import annotations

import mpmath
import pytest
from hypothesis import given, settings, strategies as st

from genspec import domains as dom
from genspec.numerics import assert_numerics, mp_map

pytestmark = [pytest.mark.area("gaussian"), pytest.mark.tier("numerics")]


def bernoulli_terms(x, logit):
    """``x log sigmoid(l) + (1 - x) log(1 - sigmoid(l))`` of one pixel, in mpmath."""
    return -(x * mpmath.log1p(mpmath.exp(-logit)) + (1 - x) * mpmath.log1p(mpmath.exp(logit)))


def kl_terms(m, lv):
    return (mpmath.expm1(lv) - lv + m * m) / 2


@settings(max_examples=8)
@given(data=st.data(), dtype=dom.dtypes("negative_elbo", "logits"))
def test_negative_elbo_at_saturated_logits_and_extreme_logvar(impl, data, dtype):
    batch = tuple(data.draw(st.lists(st.integers(1, 3), max_size=1)))
    d, k = data.draw(st.integers(1, 6)), data.draw(st.integers(1, 3))
    logits = data.draw(dom.edge_tensors((*batch, d), "negative_elbo", "logits", dtype, moderate=40.0))
    x = data.draw(dom.pixels(dtype, (*batch, d)))
    mu = data.draw(dom.edge_tensors((*batch, k), "kl_normal_std", "mu", dtype))
    logvar = data.draw(dom.edge_tensors((*batch, k), "negative_elbo", "logvar", dtype))
    got = impl.negative_elbo(x, logits, mu, logvar)
    rec, kl = mp_map(bernoulli_terms, x, logits).sum(-1), mp_map(kl_terms, mu, logvar).sum(-1)
    kl_size = mp_map(lambda m, lv: (abs(mpmath.expm1(lv)) + abs(lv) + m * m) / 2, mu, logvar).sum(-1)
    assert_numerics(got, kl - rec, kind="edge_reduction", scale=kl_size + rec.abs(),
                    what=f"-ELBO = -log p(x | logits) + KL at saturated {dtype} logits")
