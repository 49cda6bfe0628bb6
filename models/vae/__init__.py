"""The VAE family: Gaussian-latent VAEs of seeds 000, 001, 004 and the Gumbel-Softmax VAE.

| name | model | module | seed / paper |
|---|---|---|---|
| ``vae`` | MLP VAE 784-400-20, Bernoulli decoder (logits) | ``vae.vae`` | 000 |
| ``vae2d`` | MLP VAE 784-256-2 (latent scatter, 15 x 15 manifold) | ``vae.vae`` | 001 |
| ``conv_vae`` | conv VAE, mean MSE + 0.0025 KL | ``vae.conv_vae`` | 004 |
| ``gumbel_vae`` / ``gumbel_vae_st`` | 20 x 10 categorical latents, soft / straight-through | ``vae.gumbel_vae`` | Jang et al. 2017 |

``SPECS`` registers them (``models.registry``).

References: seeds 000, 001, 004; Jang, Gu & Poole, arXiv:1611.01144.
"""

from __future__ import annotations

from genspec.models.spec import ModelSpec
from genspec.models.vae.conv_vae import ConvVAE
from genspec.models.vae.gumbel_vae import CategoricalVAE
from genspec.models.vae.vae import MLPVAE

__all__ = ["SPECS", "CategoricalVAE", "ConvVAE", "MLPVAE"]

SPECS: tuple[ModelSpec, ...] = (
    ModelSpec("vae", "gaussian_vae", MLPVAE, "binarize", epochs=10, batch_size=128,
              kwargs={"hidden": 400, "latent": 20},
              description="seed 000: MLP VAE 784-400-20, Bernoulli decoder (logits), dynamic binarization",
              anchor="IWAE paper, one-layer VAE (k=1) on binarized MNIST: log p(x) ~ -86.76 nats"),
    ModelSpec("vae2d", "gaussian_vae", MLPVAE, "binarize", epochs=50, batch_size=100,
              kwargs={"hidden": 256, "latent": 2},
              description="seed 001: MLP VAE 784-256-2 (Keras example), latent scatter and 15x15 manifold"),
    ModelSpec("conv_vae", "gaussian_vae", ConvVAE, "unit", epochs=10, batch_size=128,
              kwargs={"latent": 16, "beta": 0.0025},
              description="seed 004: conv VAE (BatchNorm+LeakyReLU encoder, upsampling residual decoder), "
                          "mean MSE + 0.0025 KL"),
    ModelSpec("gumbel_vae", "categorical_vae", CategoricalVAE, "binarize", epochs=100, batch_size=100,
              kwargs={"variables": 20, "categories": 10, "hard": False},
              description="Jang et al. 2017: categorical VAE, 20 x 10 Gumbel-Softmax latents (soft)",
              anchor="Jang et al. 2017, Table 2: -ELBO 101.5 (Gumbel-Softmax), binarized MNIST"),
    ModelSpec("gumbel_vae_st", "categorical_vae", CategoricalVAE, "binarize", epochs=100, batch_size=100,
              kwargs={"variables": 20, "categories": 10, "hard": True},
              description="Jang et al. 2017: categorical VAE, 20 x 10 latents, straight-through Gumbel-Softmax",
              anchor="Jang et al. 2017, Table 2: -ELBO 107.8 (ST Gumbel-Softmax), binarized MNIST"),
)
