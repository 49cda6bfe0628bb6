r"""Seed 004's convolutional VAE and its loss, ported faithfully onto the contract names.

Source: ``004_66c9886f7d9d9ca6.txt``, section "变分自编码器" (the listing after "自编码器的基本架构如下")::

    def reparameterize(self, mu: torch.Tensor, log_var: torch.Tensor) -> torch.Tensor:
        std = torch.exp(0.5 * log_var)
        eps = torch.randn_like(std, requires_grad=False)
        return eps * std + mu

    def loss_function(self, xhat, x, mu, log_var, kl_weight=0.0025) -> dict:
        recon_loss = F.mse_loss(xhat, x, reduction="mean")
        kld_loss = torch.mean(
            -0.5 * torch.sum(1 + log_var - mu**2 - log_var.exp(), dim=1), dim=0
        )
        loss = recon_loss + kl_weight * kld_loss
        ...
    class Decoder(nn.Module):
        ...
        def forward(self, z: torch.Tensor) -> List[torch.Tensor]:
            o = self.decoder_input(z)
            o = o.view(-1, self.hidden_dims[0], 7, 7)
            o = self.upsampling(o)
            o = self.conv_block1(o) + o
            o = self.conv_block2(o) + o
            o = self.output_layer(o)
            return o

Mapping onto the contract (``spec-api.md``, "Gaussian latent variables, ELBO"):

- ``reparameterize(mu, logvar, eps)``: ``eps * exp(0.5 * logvar) + mu``.
- ``kl_normal_std(mu, logvar)``: ``-0.5 * sum(1 + log_var - mu**2 - log_var.exp(), dim=-1)`` per
  example (the seed's ``torch.mean(..., dim=0)`` is the batch reduction, left to the caller).
- ``negative_elbo(x, logits, mu, logvar)``: the seed's ``loss``, per example, with the decoder's
  sigmoid applied to ``logits``: ``mean_pixels((sigmoid(logits) - x)^2) + 0.0025 * KL``. This is
  the loss the seed trains, not a Bernoulli negative ELBO (``docs/errata.md``).

The seed has no Bernoulli likelihood, so ``bernoulli_log_prob`` is absent. The model classes are
ported verbatim, with the imports the listing omits (``torch``, ``nn``, ``F``, ``List``) and with
its default ``device=torch.device("cuda" if torch.cuda.is_available() else "mps")``, so ``VAE()``
fails on a machine that has neither CUDA nor MPS, as the seed's code does.
"""

from __future__ import annotations

from typing import List

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor

__all__ = ["KL_WEIGHT", "reparameterize", "kl_normal_std", "negative_elbo",
           "Encoder", "ConvBlock", "Decoder", "VAE"]

#: ``kl_weight`` of ``loss_function``.
KL_WEIGHT = 0.0025


# ---------------------------------------------------------------- the contract names


def reparameterize(mu: Tensor, logvar: Tensor, eps: Tensor) -> Tensor:
    """The seed's ``VAE.reparameterize`` with explicit ``eps``: ``eps * exp(0.5 * log_var) + mu``."""
    std = torch.exp(0.5 * logvar)
    return eps * std + mu


def kl_normal_std(mu: Tensor, logvar: Tensor) -> Tensor:
    """``-0.5 * sum(1 + log_var - mu**2 - log_var.exp())`` over the last dimension."""
    return -0.5 * torch.sum(1 + logvar - mu**2 - logvar.exp(), dim=-1)


def negative_elbo(x: Tensor, logits: Tensor, mu: Tensor, logvar: Tensor) -> Tensor:
    """The seed's ``loss`` per example: ``mean((sigmoid(logits) - x)^2) + 0.0025 * KL``."""
    xhat = torch.sigmoid(logits)
    recon_loss = F.mse_loss(xhat, x, reduction="none").mean(dim=-1)
    return recon_loss + KL_WEIGHT * kl_normal_std(mu, logvar)


# ---------------------------------------------------------------- the listing, verbatim


class Encoder(nn.Module):
    def __init__(
        self,
        in_channels=1,
        hidden_dims=[4, 8, 16, 32],
        latent_dim=16,
        device=torch.device("cuda" if torch.cuda.is_available() else "mps"),
    ) -> None:
        super().__init__()
        # input shape [b, 1, 28, 28]
        self.latent_dim = latent_dim
        self.device = device
        self.hidden_dims = hidden_dims
        modules = []
        for h_dim in self.hidden_dims:
            modules.append(
                nn.Sequential(
                    nn.Conv2d(in_channels, out_channels=h_dim, kernel_size=3, stride=2, padding=1),
                    nn.BatchNorm2d(h_dim),
                    nn.LeakyReLU(),
                )
            )
            in_channels = h_dim

        self.encoder = nn.Sequential(*modules)
        self.fc_mu = nn.Linear(self.hidden_dims[-1] * 4, latent_dim)
        self.fc_var = nn.Linear(self.hidden_dims[-1] * 4, latent_dim)

    def forward(self, x: torch.Tensor) -> List[torch.Tensor]:
        o = self.encoder(x)
        o = torch.flatten(o, start_dim=1)
        mu = self.fc_mu(o)
        log_var = self.fc_var(o)
        return [mu, log_var]


class ConvBlock(nn.Module):
    def __init__(self, hidden_dims: List[int] = [8, 32, 16, 8], latent_dim: int = 16) -> None:
        super(ConvBlock, self).__init__()
        conv_block = []
        for i in range(len(hidden_dims) - 1):
            conv_block.append(
                nn.Sequential(
                    nn.Conv2d(hidden_dims[i], hidden_dims[i + 1], kernel_size=3, stride=1, padding=1),
                    nn.BatchNorm2d(hidden_dims[i + 1]),
                    nn.LeakyReLU(),
                )
            )
        self.conv_block = nn.Sequential(*conv_block)

    def forward(self, x):
        return x + self.conv_block(x)


class Decoder(nn.Module):
    def __init__(
        self,
        hidden_dims=[8, 32, 16, 8],
        latent_dim=16,
        device=torch.device("cuda" if torch.cuda.is_available() else "mps"),
    ) -> None:
        super().__init__()
        self.latent_dim = latent_dim
        self.device = device
        self.hidden_dims = hidden_dims

        self.decoder_input = nn.Linear(latent_dim, hidden_dims[0] * 49)
        self.upsampling = nn.Upsample(scale_factor=4, mode="bilinear")
        self.conv_block1 = ConvBlock(hidden_dims, latent_dim)
        self.conv_block2 = ConvBlock(hidden_dims, latent_dim)
        self.output_layer = nn.Sequential(
            nn.Conv2d(hidden_dims[-1], out_channels=1, kernel_size=3, padding=1),
            nn.Sigmoid(),
        )

    def forward(self, z: torch.Tensor) -> List[torch.Tensor]:
        o = self.decoder_input(z)
        o = o.view(-1, self.hidden_dims[0], 7, 7)
        o = self.upsampling(o)
        o = self.conv_block1(o) + o
        o = self.conv_block2(o) + o
        o = self.output_layer(o)
        return o


class VAE(nn.Module):
    def __init__(
        self,
        encoder_hidden_dim=[4, 8, 16, 32],
        decoder_hidden_dim=[8, 32, 16, 8],
        latent_dim=16,
        device=torch.device("cuda" if torch.cuda.is_available() else "mps"),
    ) -> None:
        super().__init__()
        self.device = device
        self.latent_dim = latent_dim
        self.enc = Encoder(hidden_dims=encoder_hidden_dim, latent_dim=self.latent_dim).to(device)
        self.dec = Decoder(hidden_dims=decoder_hidden_dim, latent_dim=self.latent_dim).to(device)

    def reparameterize(self, mu: torch.Tensor, log_var: torch.Tensor) -> torch.Tensor:
        std = torch.exp(0.5 * log_var)
        eps = torch.randn_like(std, requires_grad=False)
        return eps * std + mu

    def loss_function(self, xhat, x, mu, log_var, kl_weight=0.0025) -> dict:
        recon_loss = F.mse_loss(xhat, x, reduction="mean")
        kld_loss = torch.mean(-0.5 * torch.sum(1 + log_var - mu**2 - log_var.exp(), dim=1), dim=0)
        loss = recon_loss + kl_weight * kld_loss
        return {
            "loss": loss,
            "recon_loss": recon_loss.detach(),
            "KLD": kld_loss.detach(),
        }

    def forward(self, x) -> List[torch.Tensor]:
        mu, log_var = self.enc(x)
        z = self.reparameterize(mu, log_var)
        xhat = self.dec(z)
        return [xhat, mu, log_var]
