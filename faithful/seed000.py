r"""Seed 000's MLP VAE and its loss, ported faithfully onto the contract names.

Source: ``000_bf33366f7638eda2.txt``, section "代码示例" (the only code listing of the seed)::

    def reparameterize(self, mu, logvar):
        std = torch.exp(0.5 * logvar)  # 计算标准差
        eps = torch.randn_like(std)    # 从标准正态分布采样 epsilon
        return mu + std * eps            # 生成潜在变量 z
    ...
    class Decoder(nn.Module):
        ...
        def forward(self, z):
            h = F.relu(self.fc3(z))
            return torch.sigmoid(self.fc4(h))
    ...
    def loss_function(recon_x, x, mu, logvar):
        BCE = F.binary_cross_entropy(recon_x, x, reduction='sum')  # 重建误差
        # KL散度
        KLD = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
        return BCE + KLD

Mapping onto the contract (``spec-api.md``, "Gaussian latent variables, ELBO"):

- ``reparameterize(mu, logvar, eps)``: ``mu + torch.exp(0.5 * logvar) * eps``, the seed's method
  with the noise passed in instead of drawn by ``torch.randn_like``.
- ``kl_normal_std(mu, logvar)``: the seed's ``KLD`` formula, summed over the last dimension. The
  seed's ``torch.sum`` also sums over the batch, because it returns the total loss of a batch;
  the adapter leaves that batch reduction to the caller (the contract is per example).
- ``bernoulli_log_prob(x, logits)``: ``-F.binary_cross_entropy(torch.sigmoid(logits), x)`` summed
  over the last dimension: the seed's decoder ends in ``torch.sigmoid`` and its loss takes the
  probabilities. ``F.binary_cross_entropy`` clamps each log at -100, so for a logit whose sigmoid
  rounds to 0 or 1 the result is capped (not stable for large logits; see ``docs/errata.md``).
- ``negative_elbo(x, logits, mu, logvar)``: the seed's ``loss_function`` per example, i.e.
  ``BCE + KLD`` with ``recon_x = sigmoid(logits)``.

The seed validates nothing, so neither does the port: the contract's ``ValueError`` checks are
expected to fail here and are not errata of the seed's mathematics.

The model, the training loop and the test loop are ported verbatim (``Encoder``, ``Decoder``,
``VAE``, ``loss_function``, ``train_vae``, ``test_vae``), with their global-RNG noise.
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor

__all__ = [
    "reparameterize", "kl_normal_std", "bernoulli_log_prob", "negative_elbo",
    "Encoder", "Decoder", "VAE", "loss_function", "train_vae", "test_vae",
]


# ---------------------------------------------------------------- the contract names


def reparameterize(mu: Tensor, logvar: Tensor, eps: Tensor) -> Tensor:
    """The seed's ``VAE.reparameterize`` with explicit ``eps``: ``mu + exp(0.5 * logvar) * eps``."""
    std = torch.exp(0.5 * logvar)
    return mu + std * eps


def kl_normal_std(mu: Tensor, logvar: Tensor) -> Tensor:
    """The seed's ``KLD = -0.5 * sum(1 + logvar - mu^2 - exp(logvar))``, per example: ``(*batch,)``."""
    return -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), dim=-1)


def bernoulli_log_prob(x: Tensor, logits: Tensor) -> Tensor:
    """``-BCE(sigmoid(logits), x)`` summed over the last dimension, with the seed's clamped BCE."""
    recon_x = torch.sigmoid(logits)
    return -F.binary_cross_entropy(recon_x, x, reduction="none").sum(dim=-1)


def negative_elbo(x: Tensor, logits: Tensor, mu: Tensor, logvar: Tensor) -> Tensor:
    """The seed's ``loss_function`` per example: ``BCE(sigmoid(logits), x) + KLD``, ``(*batch,)``."""
    return -bernoulli_log_prob(x, logits) + kl_normal_std(mu, logvar)


# ---------------------------------------------------------------- the listing, verbatim


class Encoder(nn.Module):
    def __init__(self, input_dim, hidden_dim, latent_dim):
        super(Encoder, self).__init__()
        self.fc1 = nn.Linear(input_dim, hidden_dim)
        self.fc_mu = nn.Linear(hidden_dim, latent_dim)      # 输出均值
        self.fc_logvar = nn.Linear(hidden_dim, latent_dim)  # 输出对数方差

    def forward(self, x):
        h = F.relu(self.fc1(x))
        mu = self.fc_mu(h)
        logvar = self.fc_logvar(h)
        return mu, logvar


class Decoder(nn.Module):
    def __init__(self, latent_dim, hidden_dim, output_dim):
        super(Decoder, self).__init__()
        self.fc3 = nn.Linear(latent_dim, hidden_dim)
        self.fc4 = nn.Linear(hidden_dim, output_dim)

    def forward(self, z):
        h = F.relu(self.fc3(z))
        return torch.sigmoid(self.fc4(h))


class VAE(nn.Module):
    def __init__(self, input_dim=784, hidden_dim=400, latent_dim=20):
        super(VAE, self).__init__()
        self.encoder = Encoder(input_dim, hidden_dim, latent_dim)
        self.decoder = Decoder(latent_dim, hidden_dim, input_dim)

    def reparameterize(self, mu, logvar):
        std = torch.exp(0.5 * logvar)
        eps = torch.randn_like(std)
        return mu + std * eps

    def forward(self, x):
        mu, logvar = self.encoder(x)
        z = self.reparameterize(mu, logvar)
        recon_x = self.decoder(z)
        return recon_x, mu, logvar


def loss_function(recon_x, x, mu, logvar):
    """VAE的损失函数包括重建误差和KL散度 (the seed's batch-total loss, verbatim)."""
    BCE = F.binary_cross_entropy(recon_x, x, reduction='sum')
    KLD = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return BCE + KLD


def train_vae(model, dataloader, optimizer, epochs=10):
    model.train()
    for epoch in range(1, epochs + 1):
        train_loss = 0
        for batch_idx, (data, _) in enumerate(dataloader):
            data = data.view(-1, 784)
            optimizer.zero_grad()
            recon_batch, mu, logvar = model(data)
            loss = loss_function(recon_batch, data, mu, logvar)
            loss.backward()
            train_loss += loss.item()
            optimizer.step()

        print(f'Epoch {epoch}, Average loss: {train_loss / len(dataloader.dataset):.4f}')


def test_vae(model, dataloader):
    model.eval()
    test_loss = 0
    with torch.no_grad():
        for data, _ in dataloader:
            data = data.view(-1, 784)
            recon_batch, mu, logvar = model(data)
            test_loss += loss_function(recon_batch, data, mu, logvar).item()

    print(f'Test set loss: {test_loss / len(dataloader.dataset):.4f}')


test_vae.__test__ = False  # a seed function named test_*, not a pytest test
