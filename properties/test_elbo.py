"""Properties of ``bernoulli_log_prob`` and ``negative_elbo``, and seed 004's loss as an ELBO.

Oracles: ``torch.distributions.Bernoulli`` (float64), exhaustive enumeration of {0,1}^D, closed-form
derivatives, ``torch.distributions.kl_divergence``, and the seeds' own loss code copied here
(seed 000 ``loss_function``; seed 004 ``VAE.loss_function``).
"""

from __future__ import annotations

import itertools
import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from torch.distributions import Bernoulli, Independent, Normal, kl_divergence

from genspec import strategies as gst
from genspec.checks import assert_close, record

pytestmark = pytest.mark.area("gaussian")

F64 = torch.float64


def _bernoulli_oracle(x: torch.Tensor, logits: torch.Tensor) -> torch.Tensor:
    """sum_j x_j log sigma(l_j) + (1 - x_j) log(1 - sigma(l_j)) in float64 by torch.distributions."""
    return Bernoulli(logits=logits.to(F64), validate_args=False).log_prob(x.to(F64)).sum(-1)


def _kl_std_oracle(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    mu, logvar = mu.to(F64), logvar.to(F64)
    q = Independent(Normal(mu, torch.exp(logvar / 2)), 1)
    return kl_divergence(q, Independent(Normal(torch.zeros_like(mu), torch.ones_like(mu)), 1))


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


# ----------------------------------------------------------------------------- bernoulli_log_prob


@given(data=st.data())
def test_bernoulli_log_prob_matches_torch_distributions(impl, device, data):
    x, logits = (t.to(device) for t in data.draw(pixels_and_logits()))
    got = impl.bernoulli_log_prob(x, logits)
    assert got.dtype == x.dtype and got.device == x.device and got.shape == x.shape[:-1]
    assert_close(got, _bernoulli_oracle(x, logits), kind="reduction",
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


@given(data=st.data())
def test_bernoulli_log_prob_is_exact_for_logits_up_to_1e4(impl, data):
    x, logits = data.draw(pixels_and_logits(bound=1e4))
    got = impl.bernoulli_log_prob(x, logits)
    assert bool(torch.isfinite(got).all()), f"non-finite log-probability for logits {logits}"
    assert_close(got, _bernoulli_oracle(x, logits), kind="reduction",
                 what="bernoulli_log_prob for |logits| <= 1e4")


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


def test_bernoulli_log_prob_rejects_bad_input(impl):
    with pytest.raises(ValueError, match=r"\blogits\b"):
        impl.bernoulli_log_prob(torch.zeros(3), torch.tensor([0.0, float("nan"), 0.0]))
    with pytest.raises(ValueError, match=r"\b(x|logits)\b"):
        impl.bernoulli_log_prob(torch.zeros(2, 3), torch.zeros(2, 4))
    for outside in (1.5, 1.0 + 1e-6, -1e-6, -0.5):  # just outside [0, 1] as well as far
        with pytest.raises(ValueError, match=r"\bx\b"):
            impl.bernoulli_log_prob(torch.tensor([0.0, outside, 1.0], dtype=torch.float64), torch.zeros(3))


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
    expected = -_bernoulli_oracle(x, logits) + _kl_std_oracle(mu, logvar)
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


@pytest.mark.parametrize("bad", ["mu", "logvar"])
def test_negative_elbo_rejects_nan_naming_the_argument(impl, bad):
    args = {"x": torch.zeros(2, 3), "logits": torch.zeros(2, 3), "mu": torch.zeros(2, 2),
            "logvar": torch.zeros(2, 2)}
    args[bad][0, 1] = float("nan")
    with pytest.raises(ValueError, match=rf"\b{bad}\b"):
        impl.negative_elbo(**args)


@pytest.mark.parametrize("value", [math.inf, -math.inf])
def test_negative_elbo_rejects_an_infinite_logvar_naming_it(impl, value):
    """An encoder whose log-variance overflowed gives an infinite KL: an error, not a loss of inf."""
    args = {"x": torch.zeros(2, 3), "logits": torch.zeros(2, 3), "mu": torch.zeros(2, 2),
            "logvar": torch.zeros(2, 2)}
    args["logvar"][1, 0] = value
    with pytest.raises(ValueError, match=r"\blogvar\b"):
        impl.negative_elbo(**args)
