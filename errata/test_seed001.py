r"""Errata of seed 001 (``001_b5504797ad883274.txt``), each shown numerically (``docs/errata.md``).

Each test passes by showing that the seed's statement or code fails and the corrected one holds.
The Keras listings are run through their torch ports in ``faithful.seed001``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy import stats

from genspec.faithful import seed001
from genspec.checks import assert_close, record
from errata.support import LinearGaussian, assert_differs, f64

pytestmark = pytest.mark.area("autoencoders")


# ------------------------------------------------------------------ "使用Keras建立简单的自编码器"


def test_compression_factor_is_24_5() -> None:
    """'32 floats -> compression of factor 24.5, assuming the input is 784 floats' holds."""
    assert 784 / 32 == 24.5


# ------------------------------------------------------------------ "稀疏自编码器"


def test_activity_l1_10e_minus_5_is_1e_minus_4_and_explains_the_extra_0_01() -> None:
    """'activity_l1(10e-5)' is 1e-4 (not 1e-5); with mean code 3.33 over 32 units it adds ~0.0107 to the loss."""
    assert 10e-5 == 1e-4 and 10e-5 != 1e-5
    code = torch.full((10_000, 32), 3.33, dtype=torch.float64)  # '码字均值为3.33' over the test images
    penalty = float(seed001.activity_l1(code, 10e-5))
    penalty_if_1e_5 = float(seed001.activity_l1(code, 1e-5))
    record(penalty_10e_5=penalty, penalty_1e_5=penalty_if_1e_5)
    assert_close(f64(penalty), f64(1e-4 * 32 * 3.33), kind="reduction",
                 what="Keras activity_l1 penalty = l1 * sum_units mean_batch |h|")
    assert abs(penalty - 0.01) < 0.002, "the reported extra 0.01 (0.11 vs 0.10) fits l1 = 1e-4"
    assert abs(penalty_if_1e_5 - 0.01) > 0.008, "l1 = 1e-5 would add only ~0.001"


# ------------------------------------------------------------------ "卷积自编码器"


def test_conv_autoencoder_code_is_8x4x4_and_output_28x28() -> None:
    """The comment '(8, 4, 4) i.e. 128-dimensional' holds, and the decoder returns 28x28 because of its one 'valid' conv."""
    model = seed001.ConvAutoencoder()
    x = torch.rand(1, 1, 28, 28)
    with torch.no_grad():
        code = model.encoder(x)
        out = model.decoder(code)
    assert tuple(code.shape[1:]) == (8, 4, 4) and code[0].numel() == 128
    assert tuple(out.shape[1:]) == (1, 28, 28)
    # Without the unpadded 3x3 conv the three upsamplings would give 4 -> 8 -> 16 -> 32, not 28.
    assert 4 * 2 * 2 * 2 == 32 and (4 * 2 * 2 - 2) * 2 == 28
    with torch.no_grad():
        denoise_code = seed001.DenoisingConvAutoencoder().encoder(x)
    assert tuple(denoise_code.shape[1:]) == (32, 7, 7)  # '(32, 7, 7)' holds


def test_images_are_one_channel_not_28x28x3() -> None:
    """'28*28*3的原始MNIST图像': an MNIST image has 784 values and the code reshapes it to (1, 28, 28)."""
    image = np.zeros(784, dtype=np.float32)
    assert image.reshape(1, 28, 28).shape == (1, 28, 28)
    with pytest.raises(ValueError):
        image.reshape(3, 28, 28)


def test_code_plot_reshape_needs_the_conv_code_not_the_32_float_code() -> None:
    """'encoded_imgs[i].reshape(4, 4 * 8)': the only encoded_imgs defined (the dense encoder's) has 32 values."""
    x = torch.rand(1, 784)
    with torch.no_grad():
        dense_code = seed001.DenseAutoencoder().encoder(x).numpy()
        conv_code = seed001.ConvAutoencoder().encoder(x.view(1, 1, 28, 28)).numpy()
    with pytest.raises(ValueError):
        dense_code[0].reshape(4, 4 * 8)
    assert conv_code[0].reshape(4, 4 * 8).T.shape == (32, 4)


def test_subplot_index_starts_at_one() -> None:
    """'plt.subplot(2, n, i)' with i = 0 is out of range; the reconstructions at i + n land in the wrong row.

    matplotlib numbers subplots 1..rows*cols (3.11: ``ValueError: num must be an integer with
    1 <= num <= 20, not 0``); importing it here would cost most of this file's time budget, so the
    test checks the index arithmetic against that rule.
    """
    n = 10
    valid = range(1, 2 * n + 1)
    assert 0 not in valid, "the seed's first original (index 0) is not a subplot number"
    row = lambda k: (k - 1) // n  # noqa: E731  the row of subplot number k (1-based)
    assert row(0 + n) == 0, "the seed's first reconstruction (index n) is in the originals' row"
    assert all(i + 1 in valid and row(i + 1) == 0 and row(i + 1 + n) == 1 for i in range(n))


# ------------------------------------------------------------------ "序列到序列的自动编码器"


def test_lstm_decoder_units_cannot_be_the_builtin_input() -> None:
    """'LSTM(input, return_sequences=True)' passes Python's builtin input as the unit count."""
    with pytest.raises(TypeError):
        torch.nn.LSTM(3, input)  # type: ignore[arg-type]
    model = seed001.SequenceAutoencoder(input_dim=3, latent_dim=5)  # with input_dim, as intended
    assert model.decoder.hidden_size == 3 and model.encoder.hidden_size == 5


# ------------------------------------------------------------------ "变分自编码器（Variational autoencoder，VAE）"


@pytest.mark.area("gaussian")
def test_vae_kl_is_not_the_kl_of_its_own_sampling() -> None:
    """sampling uses std exp(z_log_sigma); vae_loss's KL reads z_log_sigma as a log-variance."""
    g = torch.Generator().manual_seed(1)
    z_mean = torch.randn(6, 2, generator=g, dtype=torch.float64)
    z_log_sigma = torch.randn(6, 2, generator=g, dtype=torch.float64)
    prior = torch.distributions.Normal(0.0, 1.0)
    sampled = torch.distributions.Normal(z_mean, torch.exp(z_log_sigma))  # what `sampling` draws from
    kl_of_sampling = torch.distributions.kl_divergence(sampled, prior).sum(-1)
    seed_kl_summed = seed001.kl_normal_std(z_mean, z_log_sigma) * 2  # undo the mean over K = 2
    assert_differs(seed_kl_summed, kl_of_sampling, kind="identity", factor=10.0,
                   what="seed 001 KL (log-variance reading) vs KL of N(mu, exp(z_log_sigma)^2)")
    # Corrected (the later Keras example): z_log_var, std = exp(z_log_var / 2), KL summed.
    z_log_var = z_log_sigma
    corrected_sampling = torch.distributions.Normal(z_mean, torch.exp(z_log_var / 2))
    corrected_kl = -0.5 * torch.sum(1 + z_log_var - z_mean**2 - torch.exp(z_log_var), dim=-1)
    assert_close(corrected_kl, torch.distributions.kl_divergence(corrected_sampling, prior).sum(-1),
                 kind="identity", what="-1/2 sum(1 + logvar - mu^2 - e^logvar) = KL(N(mu, e^logvar) || N(0, 1))")


@pytest.mark.area("gaussian")
def test_vae_loss_weights_the_kl_392_times_the_elbo() -> None:
    """xent_loss and kl_loss are means over 784 pixels and 2 latents: D * loss = BCE_sum + (784 / 2) * KL_sum."""
    g = torch.Generator().manual_seed(2)
    d, k = 784, 2
    x = torch.rand(5, d, generator=g, dtype=torch.float64)
    logits = torch.randn(5, d, generator=g, dtype=torch.float64)
    mu = torch.randn(5, k, generator=g, dtype=torch.float64)
    logvar = torch.randn(5, k, generator=g, dtype=torch.float64)
    seed_loss = seed001.negative_elbo(x, logits, mu, logvar)
    p = torch.sigmoid(logits).clamp(seed001.KERAS_EPSILON, 1 - seed001.KERAS_EPSILON)
    bce_sum = -(x * p.log() + (1 - x) * (1 - p).log()).sum(-1)
    kl_sum = -0.5 * (1 + logvar - mu**2 - logvar.exp()).sum(-1)
    assert_close(d * seed_loss - bce_sum, (d / k) * kl_sum, kind="identity",
                 what="784 * vae_loss - BCE_sum = 392 * KL_sum")
    assert_differs(d * seed_loss - bce_sum, kl_sum, kind="identity", what="the ELBO weights the KL by 1, not 392")
    ratio = seed_loss / (bce_sum + kl_sum)
    record(loss_over_negative_elbo=ratio)
    assert float(ratio.max() - ratio.min()) > 1e-3, "vae_loss is not proportional to the negative ELBO"


@pytest.mark.area("gaussian")
def test_manifold_grid_of_plus_minus_15_prior_std_is_mostly_off_the_prior() -> None:
    """linspace(-15, 15, 15) puts 216 of 225 grid points more than 3 prior std from 0; the quantile grid does not."""
    grid = np.linspace(-15, 15, 15)
    inside = np.abs(grid) <= 3
    fraction = float(np.outer(inside, inside).mean())
    quantile_grid = stats.norm.ppf(np.linspace(0.05, 0.95, 15))
    record(fraction_within_3_std=fraction, prior_mass_beyond_15=2 * stats.norm.sf(15))
    assert fraction == pytest.approx(9 / 225)
    assert 2 * stats.norm.sf(15) < 1e-49
    assert np.all(np.abs(quantile_grid) < 1.65)


@pytest.mark.area("gaussian")
def test_dropping_the_kl_term_leaves_no_lower_bound() -> None:
    """'把后面这项损失函数去掉也可以': E_q log p(x|z) alone can exceed log p(x); with the KL it cannot."""
    model = LinearGaussian(a=1.0, b=0.0, s2=0.01)
    x, m, v = 2.0, 2.0, 1e-6  # q concentrated where the decoder explains x best
    recon_only = model.expected_loglik(x, m, v)
    log_px = model.log_px(x)
    record(reconstruction_term=recon_only, log_px=log_px, elbo=model.elbo(x, m, v))
    assert recon_only > log_px + 1.0
    assert model.elbo(x, m, v) <= log_px
    assert_close(f64(model.elbo(x, m, v) + model.kl_posterior(x, m, v)), f64(log_px), kind="identity", what="ELBO + KL(q || p(z|x)) = log p(x)")


def test_bce_loss_floor_is_the_pixel_entropy_not_zero() -> None:
    """The reported losses (0.10, 0.11, 0.097, 0.094) are per-pixel means of a BCE whose minimum is the grey-level entropy."""
    x = f64([0.0, 0.3, 0.5, 1.0])
    entropy = -(x * x.clamp_min(1e-300).log() + (1 - x) * (1 - x).clamp_min(1e-300).log())
    bce_at_optimum = torch.nn.functional.binary_cross_entropy(x, x, reduction="none")
    assert_close(bce_at_optimum, entropy, kind="elementwise", what="min_p BCE(x, p) = H(x), attained at p = x")
    assert math.isclose(float(entropy[2]), math.log(2), rel_tol=1e-12)
