"""Properties of ``bernoulli_log_prob``: the Bernoulli decoder's log-likelihood of x in [0, 1].

    bernoulli_log_prob(x, l) = sum_j x_j log sigma(l_j) + (1 - x_j) log(1 - sigma(l_j))

Oracles: ``torch.distributions.Bernoulli`` in float64 (``genspec.oracles.densities``), exhaustive
enumeration of {0,1}^D, the closed-form derivative x - sigma(l).

References: seed 000_bf33366f7638eda2.txt, section 代码示例 (the VAE's BCE loss).
"""

from __future__ import annotations

import itertools

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from genspec import strategies as gst
from genspec.checks import assert_close
from genspec.oracles.densities import bernoulli_log_prob64

pytestmark = [pytest.mark.area("gaussian"), pytest.mark.tier("law")]

F64 = torch.float64


@st.composite
def pixels_and_logits(draw, *, bound: float = 30.0, binary: bool | None = None, max_d: int = 6):
    dtype = draw(gst.float_dtypes())
    shape = (*draw(gst.batch_shapes()), draw(st.integers(1, max_d)))
    binary = draw(st.booleans()) if binary is None else binary
    x = draw(gst.tensors(shape, dtype=dtype, min_value=0.0, max_value=1.0))
    if binary:
        x = (x > 0.5).to(dtype)
    logits = draw(gst.tensors(shape, dtype=dtype, min_value=-bound, max_value=bound))
    return x, logits


@given(data=st.data())
def test_bernoulli_log_prob_matches_torch_distributions(impl, device, data):
    x, logits = (t.to(device) for t in data.draw(pixels_and_logits()))
    got = impl.bernoulli_log_prob(x, logits)
    assert got.dtype == x.dtype and got.device == x.device and got.shape == x.shape[:-1]
    assert_close(got, bernoulli_log_prob64(x, logits), kind="reduction",
                 what="bernoulli_log_prob vs Bernoulli(logits).log_prob summed")


@given(data=st.data())
def test_bernoulli_log_prob_sums_to_one_over_binary_images(impl, data):
    """sum over all x in {0,1}^D of p(x | logits) = 1, i.e. logsumexp of the log-probs is 0."""
    dtype = data.draw(gst.float_dtypes())
    d = data.draw(st.integers(2, 6))
    logits = data.draw(gst.tensors((d,), dtype=dtype, min_value=-20, max_value=20))
    images = torch.tensor(list(itertools.product([0.0, 1.0], repeat=d)), dtype=dtype)  # (2^D, D)
    log_probs = impl.bernoulli_log_prob(images, logits.expand(2**d, d))
    assert_close(torch.logsumexp(log_probs.to(F64), dim=0), torch.zeros((), dtype=F64),
                 kind="reduction", dtype=dtype, what=f"log sum_x p(x) over {{0,1}}^{d}")


@pytest.mark.tier("numerics")
@given(data=st.data())
def test_bernoulli_log_prob_is_exact_for_logits_up_to_1e4(impl, data):
    x, logits = data.draw(pixels_and_logits(bound=1e4))
    got = impl.bernoulli_log_prob(x, logits)
    assert bool(torch.isfinite(got).all()), f"non-finite log-probability for logits {logits}"
    assert_close(got, bernoulli_log_prob64(x, logits), kind="reduction",
                 what="bernoulli_log_prob for |logits| <= 1e4")


@pytest.mark.tier("numerics")
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_bernoulli_log_prob_of_confidently_wrong_pixels_is_minus_the_logit(impl, dtype):
    """log p(x=0 | l=1e4) = -1e4 and log p(x=1 | l=-1e4) = -1e4, not a clamped -100 or -inf."""
    x = torch.tensor([[0.0], [1.0], [1.0], [0.0]], dtype=dtype)
    logits = torch.tensor([[1e4], [-1e4], [1e4], [-1e4]], dtype=dtype)
    got = impl.bernoulli_log_prob(x, logits)
    assert_close(got, torch.tensor([-1e4, -1e4, 0.0, 0.0], dtype=F64), kind="reduction",
                 what="log-probability of saturated pixels")


@given(data=st.data())
def test_bernoulli_log_prob_gradient_is_x_minus_sigmoid(impl, data):
    x, logits = data.draw(pixels_and_logits(bound=20.0))
    logits.requires_grad_(True)
    (g,) = torch.autograd.grad(impl.bernoulli_log_prob(x, logits).sum(), (logits,))
    assert_close(g, x.to(F64) - torch.sigmoid(logits.detach().to(F64)), kind="gradient",
                 what="d log p(x | l) / d l = x - sigmoid(l)")


@pytest.mark.tier("validation")
def test_bernoulli_log_prob_rejects_bad_input(impl):
    with pytest.raises(ValueError, match=r"\blogits\b"):
        impl.bernoulli_log_prob(torch.zeros(3), torch.tensor([0.0, float("nan"), 0.0]))
    with pytest.raises(ValueError, match=r"\b(x|logits)\b"):
        impl.bernoulli_log_prob(torch.zeros(2, 3), torch.zeros(2, 4))
    for outside in (1.5, 1.0 + 1e-6, -1e-6, -0.5):  # just outside [0, 1] as well as far
        with pytest.raises(ValueError, match=r"\bx\b"):
            impl.bernoulli_log_prob(torch.tensor([0.0, outside, 1.0], dtype=torch.float64), torch.zeros(3))
