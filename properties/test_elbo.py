"""Properties of ``negative_elbo`` (the single-sample VAE loss), and the seeds' losses as ELBOs.

Oracles: ``genspec.oracles.densities`` (``torch.distributions`` in float64) and the seeds' own loss code copied here
(seed 000 ``loss_function``; seed 004 ``VAE.loss_function``).
"""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from genspec import strategies as gst
from genspec.checks import assert_close, record
from genspec.oracles.densities import bernoulli_log_prob64, kl_normal_std64

pytestmark = [pytest.mark.area("gaussian"), pytest.mark.tier("law")]

F64 = torch.float64


# ----------------------------------------------------------------------------- negative_elbo


@st.composite
def vae_batch(draw):
    """x, logits ``(*batch, D)`` and mu, logvar ``(*batch, K)`` of one dtype."""
    dtype = draw(gst.float_dtypes())
    batch = draw(gst.batch_shapes())
    d, k = draw(st.integers(1, 6)), draw(st.integers(1, 4))
    x = draw(gst.tensors((*batch, d), dtype=dtype, min_value=0.0, max_value=1.0))
    logits = draw(gst.tensors((*batch, d), dtype=dtype, min_value=-10, max_value=10))
    mu = draw(gst.tensors((*batch, k), dtype=dtype, min_value=-4, max_value=4))
    logvar = draw(gst.tensors((*batch, k), dtype=dtype, min_value=-4, max_value=4))
    return x, logits, mu, logvar


@given(data=st.data())
def test_negative_elbo_is_reconstruction_plus_kl(impl, device, data):
    x, logits, mu, logvar = (t.to(device) for t in data.draw(vae_batch()))
    got = impl.negative_elbo(x, logits, mu, logvar)
    assert got.dtype == x.dtype and got.device == x.device and got.shape == x.shape[:-1]
    expected = -bernoulli_log_prob64(x, logits) + kl_normal_std64(mu, logvar)
    assert_close(got, expected, kind="reduction", what="-log p(x|z) + KL(q || N(0, I))")


@given(data=st.data(), batch=st.integers(2, 5))
def test_negative_elbo_of_an_example_does_not_depend_on_the_batch(impl, data, batch):
    dtype = data.draw(gst.float_dtypes())
    d, k = data.draw(st.integers(1, 5)), data.draw(st.integers(1, 3))
    x = data.draw(gst.tensors((batch, d), dtype=dtype, min_value=0, max_value=1))
    logits = data.draw(gst.tensors((batch, d), dtype=dtype, min_value=-8, max_value=8))
    mu = data.draw(gst.tensors((batch, k), dtype=dtype, min_value=-4, max_value=4))
    logvar = data.draw(gst.tensors((batch, k), dtype=dtype, min_value=-4, max_value=4))
    whole = impl.negative_elbo(x, logits, mu, logvar)
    alone = torch.stack([impl.negative_elbo(x[i], logits[i], mu[i], logvar[i]) for i in range(batch)])
    assert_close(whole, alone.to(F64), kind="reduction", what="per-example -ELBO in a batch vs alone")
    perm = torch.arange(batch).flip(0)
    assert_close(impl.negative_elbo(x[perm], logits[perm], mu[perm], logvar[perm]), whole[perm].to(F64),
                 kind="reduction", what="-ELBO of a permuted batch = permuted -ELBO")


@given(data=st.data())
def test_seed_000_loss_function_is_the_batch_sum_of_negative_elbo(impl, data):
    """Seed 000 ``loss_function``: BCE(sigmoid(logits), x, sum) + KLD = sum_i negative_elbo_i."""
    x, logits, mu, logvar = (t.to(F64) for t in data.draw(vae_batch()))
    recon_x = torch.sigmoid(logits)  # the seed's decoder ends in torch.sigmoid
    bce = F.binary_cross_entropy(recon_x, x, reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    assert_close(impl.negative_elbo(x, logits, mu, logvar).sum(), bce + kld, kind="reduction",
                 what="seed 000 loss_function = sum of negative_elbo")


def _seed_004_loss(xhat, x, mu, log_var, kl_weight=0.0025):
    """Seed 004 ``VAE.loss_function``, verbatim apart from the returned dict."""
    recon_loss = F.mse_loss(xhat, x, reduction="mean")
    kld_loss = torch.mean(-0.5 * torch.sum(1 + log_var - mu**2 - log_var.exp(), dim=1), dim=0)
    return recon_loss + kl_weight * kld_loss


@given(data=st.data(), beta=st.floats(1e-4, 1.0), batch=st.integers(1, 4), d=st.integers(1, 8),
       k=st.integers(1, 4))
def test_seed_004_mse_plus_beta_kl_is_a_scaled_gaussian_negative_elbo(impl, data, beta, batch, d, k):
    """mean MSE + beta KL = (2 sigma^2 / D) (-ELBO) - sigma^2 log(2 pi sigma^2) with sigma^2 = beta D / 2.

    -ELBO per example is -log N(x; xhat, sigma^2 I) + KL(q || N(0, I)), built from the implementation's
    ``log_normal`` and ``kl_normal_std``, averaged over the batch.
    """
    x = data.draw(gst.tensors((batch, d), min_value=0, max_value=1))
    xhat = data.draw(gst.tensors((batch, d), min_value=0, max_value=1))
    mu = data.draw(gst.tensors((batch, k), min_value=-3, max_value=3))
    logvar = data.draw(gst.tensors((batch, k), min_value=-3, max_value=3))
    noise_var = beta * d / 2
    neg_elbo = (-impl.log_normal(x, xhat, torch.full_like(x, math.log(noise_var)))
                + impl.kl_normal_std(mu, logvar)).mean()
    constant = noise_var * math.log(2 * math.pi * noise_var)
    assert_close(2 * noise_var / d * neg_elbo - constant, _seed_004_loss(xhat, x, mu, logvar, beta),
                 kind="identity", what=f"seed 004 loss with beta={beta} as (2 sigma^2/D)(-ELBO) + const")


def test_seed_004_weight_means_a_decoder_variance_of_0_98(impl, generator):
    """beta = 0.0025 on 28 x 28 images: the loss is a Gaussian-decoder bound with sigma^2 = 0.98."""
    d, beta = 784, 0.0025
    noise_var = beta * d / 2
    assert math.isclose(noise_var, 0.98, rel_tol=1e-12)
    x = torch.rand(3, d, dtype=F64, generator=generator)
    xhat = torch.rand(3, d, dtype=F64, generator=generator)
    mu, logvar = torch.randn(2, 3, 16, dtype=F64, generator=generator)
    neg_elbo = (-impl.log_normal(x, xhat, torch.full_like(x, math.log(noise_var)))
                + impl.kl_normal_std(mu, logvar)).mean()
    constant = noise_var * math.log(2 * math.pi * noise_var)
    assert_close(2 * noise_var / d * neg_elbo - constant, _seed_004_loss(xhat, x, mu, logvar, beta),
                 kind="identity", what="seed 004 loss at D = 784, beta = 0.0025, sigma^2 = 0.98")
    record(decoder_variance=noise_var, decoder_std=math.sqrt(noise_var))


@pytest.mark.tier("validation")
@pytest.mark.parametrize("bad", ["mu", "logvar"])
def test_negative_elbo_rejects_nan_naming_the_argument(impl, bad):
    args = {"x": torch.zeros(2, 3), "logits": torch.zeros(2, 3), "mu": torch.zeros(2, 2),
            "logvar": torch.zeros(2, 2)}
    args[bad][0, 1] = float("nan")
    with pytest.raises(ValueError, match=rf"\b{bad}\b"):
        impl.negative_elbo(**args)


@pytest.mark.tier("validation")
@pytest.mark.parametrize("value", [math.inf, -math.inf])
def test_negative_elbo_rejects_an_infinite_logvar_naming_it(impl, value):
    """An encoder whose log-variance overflowed gives an infinite KL: an error, not a loss of inf."""
    args = {"x": torch.zeros(2, 3), "logits": torch.zeros(2, 3), "mu": torch.zeros(2, 2),
            "logvar": torch.zeros(2, 2)}
    args["logvar"][1, 0] = value
    with pytest.raises(ValueError, match=r"\blogvar\b"):
        impl.negative_elbo(**args)
