r"""Seed 001's Keras autoencoders and Keras VAE, ported faithfully to torch.

Source: ``001_b5504797ad883274.txt`` (a translation of F. Chollet, "Building Autoencoders in
Keras", blog.keras.io, 2016). The VAE listings, sections "变分自编码器（Variational autoencoder，
VAE）：编码数据的分布"::

    z_mean = Dense(latent_dim)(h)
    z_log_sigma = Dense(latent_dim)(h)

    def sampling(args):
        z_mean, z_log_sigma = args
        epsilon = K.random_normal(shape=(batch_size, latent_dim),
                                  mean=0., std=epsilon_std)
        return z_mean + K.exp(z_log_sigma) * epsilon
    ...
    def vae_loss(x, x_decoded_mean):
        xent_loss = objectives.binary_crossentropy(x, x_decoded_mean)
        kl_loss = - 0.5 * K.mean(1 + z_log_sigma - K.square(z_mean) - K.exp(z_log_sigma), axis=-1)
        return xent_loss + kl_loss

and the denoising section "使用自动编码器进行图像去噪"::

    noise_factor = 0.5
    x_train_noisy = x_train + noise_factor * np.random.normal(loc=0.0, scale=1.0, size=x_train.shape)
    x_train_noisy = np.clip(x_train_noisy, 0., 1.)

Mapping onto the contract (``spec-api.md``):

- The listing's ``z_log_sigma`` is used as log σ by ``sampling`` (``exp(z_log_sigma)`` multiplies
  the noise) and as log σ² by ``vae_loss`` (its KL is the log-variance formula). The port reads it
  as the contract's ``logvar``, the KL's reading, so
  ``reparameterize(mu, logvar, eps) = mu + exp(logvar) * (EPSILON_STD * eps)`` (the standard
  deviation is exp(logvar), not exp(logvar / 2)). Reading it as log σ instead makes
  ``reparameterize`` right and ``kl_normal_std`` wrong; either way the pair is inconsistent
  (``docs/errata.md``). ``epsilon_std`` is not defined in the seed; ``EPSILON_STD = 1.0`` here.
- ``kl_normal_std(mu, logvar)``: the listing's ``kl_loss``, a *mean* over the latent dimension.
- ``bernoulli_log_prob(x, logits)``: minus Keras ``objectives.binary_crossentropy`` (Keras 1.x): the
  probabilities ``sigmoid(logits)`` are clipped to ``[1e-7, 1 - 1e-7]`` (``K.epsilon()``) and the
  cross-entropy is *averaged* over the last dimension.
- ``negative_elbo(x, logits, mu, logvar)``: ``vae_loss`` = ``xent_loss + kl_loss`` (two means).
- ``gaussian_noise(x, std, clip=(0, 1), generator=None)``: the denoising corruption,
  ``clip(x + std * N(0, 1))``; ``clip=None`` (not in the seed) skips the clipping.
- ``denoising_loss(reconstruct, x, x_noisy)`` (a reference name beyond the contract):
  ``autoencoder.fit(x_train_noisy, x_train)`` with ``loss='binary_crossentropy'``, i.e. the Keras
  clipped, per-pixel-averaged cross-entropy of ``sigmoid(reconstruct(x_noisy))`` against ``x``.
- ``l1_activity_penalty(h, weight)`` (a reference name beyond the contract): Keras 1's
  ``activity_l1`` per example, ``weight * sum_j |h_j|`` (Keras adds its batch mean to the loss).

The models (dense, sparse, deep, convolutional, denoising, sequence autoencoders and the VAE) are
ported as ``nn.Module`` classes with Keras semantics: ``border_mode='same'`` 3x3 convolutions are
``padding=1``, ``MaxPooling2D((2, 2), border_mode='same')`` is ``ceil_mode=True``, a convolution
without ``border_mode`` is ``'valid'`` (``padding=0``), ``UpSampling2D`` is nearest-neighbour.
"""

from __future__ import annotations

import torch
import torch.nn as nn
from torch import Tensor

__all__ = [
    "EPSILON_STD", "KERAS_EPSILON",
    "reparameterize", "kl_normal_std", "bernoulli_log_prob", "negative_elbo", "gaussian_noise",
    "l1_activity_penalty", "denoising_loss", "activity_l1", "DenseAutoencoder", "SparseAutoencoder", "DeepAutoencoder", "ConvAutoencoder",
    "DenoisingConvAutoencoder", "SequenceAutoencoder", "KerasVAE",
]

#: ``epsilon_std`` of ``sampling``; the seed never defines it (the Keras example later used 1.0).
EPSILON_STD = 1.0
#: Keras's fuzz factor ``K.epsilon()``, by which ``binary_crossentropy`` clips probabilities.
KERAS_EPSILON = 1e-7


# ---------------------------------------------------------------- the contract names


def reparameterize(mu: Tensor, logvar: Tensor, eps: Tensor) -> Tensor:
    """``sampling``: ``z_mean + exp(z_log_sigma) * epsilon`` with ``z_log_sigma`` as ``logvar``."""
    return mu + torch.exp(logvar) * (EPSILON_STD * eps)


def kl_normal_std(mu: Tensor, logvar: Tensor) -> Tensor:
    """``kl_loss = -0.5 * mean(1 + z_log_sigma - z_mean^2 - exp(z_log_sigma), axis=-1)``."""
    return -0.5 * torch.mean(1 + logvar - mu.square() - torch.exp(logvar), dim=-1)


def bernoulli_log_prob(x: Tensor, logits: Tensor) -> Tensor:
    """Minus Keras ``binary_crossentropy(x, sigmoid(logits))``: clipped, averaged over the last dim."""
    p = torch.sigmoid(logits).clamp(KERAS_EPSILON, 1 - KERAS_EPSILON)
    return torch.mean(x * torch.log(p) + (1 - x) * torch.log(1 - p), dim=-1)


def negative_elbo(x: Tensor, logits: Tensor, mu: Tensor, logvar: Tensor) -> Tensor:
    """``vae_loss = xent_loss + kl_loss``, both averaged over their last dimension."""
    xent_loss = -bernoulli_log_prob(x, logits)
    kl_loss = kl_normal_std(mu, logvar)
    return xent_loss + kl_loss


def gaussian_noise(x: Tensor, std: float, *, clip: tuple[float, float] | None = (0.0, 1.0),
                   generator: torch.Generator | None = None) -> Tensor:
    """``np.clip(x + noise_factor * np.random.normal(0, 1, x.shape), 0., 1.)`` in torch."""
    noise = torch.randn(x.shape, generator=generator, dtype=x.dtype, device=x.device)
    noisy = x + std * noise
    if clip is None:
        return noisy
    return torch.clamp(noisy, clip[0], clip[1])


def denoising_loss(reconstruct, x: Tensor, x_noisy: Tensor) -> Tensor:
    """``fit(x_noisy, x)`` under Keras ``binary_crossentropy``: clipped BCE, mean over the last dim."""
    return -bernoulli_log_prob(x, reconstruct(x_noisy))


def l1_activity_penalty(h: Tensor, weight: float) -> Tensor:
    """Keras 1 ``activity_l1(weight)`` per example: ``weight * sum_j |h_j|``."""
    return weight * h.abs().sum(dim=-1)


def activity_l1(code: Tensor, l1: float = 10e-5) -> Tensor:
    """Keras 1 ``regularizers.activity_l1(l1)``: ``l1 * sum_units(mean_batch |code|)``.

    The seed writes ``activity_l1(10e-5)``, which is 1e-4 (``docs/errata.md``).
    """
    return l1 * code.abs().mean(dim=0).sum()


# ---------------------------------------------------------------- the models


class DenseAutoencoder(nn.Module):
    """``Dense(32, relu)`` then ``Dense(784, sigmoid)`` (section "使用Keras建立简单的自编码器")."""

    def __init__(self, encoding_dim: int = 32, input_dim: int = 784) -> None:
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(input_dim, encoding_dim), nn.ReLU())
        self.decoder = nn.Sequential(nn.Linear(encoding_dim, input_dim), nn.Sigmoid())

    def forward(self, x: Tensor) -> Tensor:
        return self.decoder(self.encoder(x))


class SparseAutoencoder(DenseAutoencoder):
    """The dense autoencoder with ``activity_regularizer=regularizers.activity_l1(10e-5)``."""

    def __init__(self, encoding_dim: int = 32, input_dim: int = 784, l1: float = 10e-5) -> None:
        super().__init__(encoding_dim, input_dim)
        self.l1 = l1

    def penalty(self, x: Tensor) -> Tensor:
        """The activity penalty Keras adds to the loss of a batch ``x``."""
        return activity_l1(self.encoder(x), self.l1)


class DeepAutoencoder(nn.Module):
    """784-128-64-32-64-128-784, ReLU and a sigmoid output (section "深度自编码器")."""

    def __init__(self, input_dim: int = 784) -> None:
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Linear(input_dim, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(),
            nn.Linear(64, 32), nn.ReLU())
        self.decoder = nn.Sequential(
            nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 128), nn.ReLU(),
            nn.Linear(128, input_dim), nn.Sigmoid())

    def forward(self, x: Tensor) -> Tensor:
        return self.decoder(self.encoder(x))


def _same_conv(c_in: int, c_out: int) -> nn.Conv2d:
    return nn.Conv2d(c_in, c_out, kernel_size=3, padding=1)


def _same_pool() -> nn.MaxPool2d:
    return nn.MaxPool2d(kernel_size=2, ceil_mode=True)


class ConvAutoencoder(nn.Module):
    """The convolutional autoencoder of section "卷积自编码器", input ``(B, 1, 28, 28)``."""

    def __init__(self) -> None:
        super().__init__()
        self.encoder = nn.Sequential(
            _same_conv(1, 16), nn.ReLU(), _same_pool(),
            _same_conv(16, 8), nn.ReLU(), _same_pool(),
            _same_conv(8, 8), nn.ReLU(), _same_pool(),
        )  # "at this point the representation is (8, 4, 4) i.e. 128-dimensional"
        self.decoder = nn.Sequential(
            _same_conv(8, 8), nn.ReLU(), nn.Upsample(scale_factor=2),
            _same_conv(8, 8), nn.ReLU(), nn.Upsample(scale_factor=2),
            nn.Conv2d(8, 16, kernel_size=3), nn.ReLU(), nn.Upsample(scale_factor=2),  # no border_mode
            _same_conv(16, 1), nn.Sigmoid(),
        )

    def forward(self, x: Tensor) -> Tensor:
        return self.decoder(self.encoder(x))


class DenoisingConvAutoencoder(nn.Module):
    """The denoising model of section "使用自动编码器进行图像去噪": code ``(32, 7, 7)``."""

    def __init__(self) -> None:
        super().__init__()
        self.encoder = nn.Sequential(
            _same_conv(1, 32), nn.ReLU(), _same_pool(),
            _same_conv(32, 32), nn.ReLU(), _same_pool(),
        )
        self.decoder = nn.Sequential(
            _same_conv(32, 32), nn.ReLU(), nn.Upsample(scale_factor=2),
            _same_conv(32, 32), nn.ReLU(), nn.Upsample(scale_factor=2),
            _same_conv(32, 1), nn.Sigmoid(),
        )

    def forward(self, x: Tensor) -> Tensor:
        return self.decoder(self.encoder(x))


class SequenceAutoencoder(nn.Module):
    """LSTM encoder, ``RepeatVector(timesteps)``, LSTM decoder (section "序列到序列的自动编码器").

    The listing's ``LSTM(input, return_sequences=True)`` passes Python's builtin ``input`` as the
    number of units and cannot run; this port uses ``input_dim``, the evident intent.
    """

    def __init__(self, input_dim: int, latent_dim: int) -> None:
        super().__init__()
        self.encoder = nn.LSTM(input_dim, latent_dim, batch_first=True)
        self.decoder = nn.LSTM(latent_dim, input_dim, batch_first=True)

    def forward(self, x: Tensor) -> Tensor:
        """``x``: ``(B, timesteps, input_dim)`` -> reconstruction of the same shape."""
        _, (h, _) = self.encoder(x)
        encoded = h[-1]
        repeated = encoded.unsqueeze(1).expand(-1, x.shape[1], -1)
        decoded, _ = self.decoder(repeated)
        return decoded


class KerasVAE(nn.Module):
    """The VAE of the seed: ``Dense(intermediate_dim, relu)``, ``z_mean``, ``z_log_sigma``.

    ``intermediate_dim`` is not defined in the seed (the Keras example used 256).
    """

    def __init__(self, original_dim: int = 784, intermediate_dim: int = 256, latent_dim: int = 2) -> None:
        super().__init__()
        self.h = nn.Linear(original_dim, intermediate_dim)
        self.z_mean = nn.Linear(intermediate_dim, latent_dim)
        self.z_log_sigma = nn.Linear(intermediate_dim, latent_dim)
        self.decoder_h = nn.Linear(latent_dim, intermediate_dim)
        self.decoder_mean = nn.Linear(intermediate_dim, original_dim)

    def forward(self, x: Tensor, eps: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """Returns the decoder's logits, ``z_mean`` and ``z_log_sigma`` for noise ``eps``."""
        h = torch.relu(self.h(x))
        z_mean, z_log_sigma = self.z_mean(h), self.z_log_sigma(h)
        z = reparameterize(z_mean, z_log_sigma, eps)
        logits = self.decoder_mean(torch.relu(self.decoder_h(z)))
        return logits, z_mean, z_log_sigma
