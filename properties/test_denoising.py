"""The denoising loss scores the reconstruction of the *noisy* input against the *clean* input.

``denoising_loss(reconstruct, x, x_noisy)`` is the per-pixel binary cross-entropy (mean over the last
dimension) of the logits ``reconstruct(x_noisy)`` against ``x``. Oracle: ``softplus(l) − x·l`` in
float64, with ``reconstruct`` a fixed random affine map, so the loss depends on which input is fed
and which is the target.
"""

from __future__ import annotations

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch.nn import functional as F

from genspec import strategies as gst
from genspec.checks import assert_close

pytestmark = [pytest.mark.area("autoencoders"), pytest.mark.tier("law")]


@given(data=st.data())
def test_denoising_loss_feeds_the_noisy_input_and_targets_the_clean_one(impl, data):
    dtype = data.draw(gst.float_dtypes(), label="dtype")
    batch = data.draw(gst.batch_shapes(), label="batch")
    d = data.draw(st.integers(1, 6), label="D")
    x = data.draw(gst.tensors((*batch, d), dtype=dtype, min_value=0.0, max_value=1.0), label="x")
    x_noisy = data.draw(gst.tensors((*batch, d), dtype=dtype, min_value=0.0, max_value=1.0), label="x_noisy")
    weight = data.draw(gst.tensors((d, d), dtype=dtype, min_value=-3, max_value=3), label="weight")
    bias = data.draw(gst.tensors((d,), dtype=dtype, min_value=-3, max_value=3), label="bias")
    calls: list[torch.Tensor] = []

    def reconstruct(inp: torch.Tensor) -> torch.Tensor:
        calls.append(inp)
        return F.linear(inp, weight, bias)

    got = impl.denoising_loss(reconstruct, x, x_noisy)
    assert got.shape == x.shape[:-1] and got.dtype == dtype, f"shape {tuple(got.shape)}, dtype {got.dtype}"
    assert calls and all(torch.equal(c, x_noisy) for c in calls), "the model must be fed x_noisy"
    logits = F.linear(x_noisy.double(), weight.double(), bias.double())
    expected = (F.softplus(logits) - x.double() * logits).mean(-1)
    assert_close(got, expected, kind="reduction",
                 what="denoising_loss = mean_i BCE(sigmoid(reconstruct(x_noisy))_i, x_i) (clean target)")


def test_denoising_loss_is_small_only_for_the_clean_target(impl):
    # A perfect denoiser: it maps the noisy input to (nearly) the clean one. Scored against the clean
    # x its loss is the entropy floor of x; scored against the noisy x it would not be.
    x = torch.tensor([[0.0, 1.0, 0.0, 1.0]], dtype=torch.float64)
    x_noisy = torch.tensor([[0.4, 0.6, 0.7, 0.2]], dtype=torch.float64)
    clean_logits = (x * 2 - 1) * 30.0
    got = impl.denoising_loss(lambda inp: clean_logits.expand_as(inp), x, x_noisy)
    assert_close(got, F.softplus(torch.tensor(-30.0, dtype=torch.float64)).expand(1), kind="elementwise",
                 what="loss of a perfect denoiser against the clean target")


@pytest.mark.tier("validation")
def test_denoising_loss_rejects_mismatched_shapes(impl):
    with pytest.raises(ValueError, match="x_noisy"):
        impl.denoising_loss(lambda t: t, torch.zeros(2, 3), torch.zeros(2, 4))



@pytest.mark.tier("validation")
def test_denoising_loss_rejects_targets_outside_the_unit_interval_and_nan_logits(impl):
    """The clean x is a Bernoulli target in [0, 1]; logits with NaN (a broken reconstruct) are an error
    naming reconstruct, not a NaN loss."""
    with pytest.raises(ValueError, match=r"\bx\b"):
        impl.denoising_loss(lambda t: t, torch.tensor([[0.5, 1.5]]), torch.zeros(1, 2))
    with pytest.raises(ValueError, match=r"\breconstruct\b"):
        impl.denoising_loss(lambda t: t * float("nan"), torch.zeros(1, 2), torch.zeros(1, 2))
    with pytest.raises(TypeError, match=r"\breconstruct\b"):
        impl.denoising_loss(3, torch.zeros(1, 2), torch.zeros(1, 2))
