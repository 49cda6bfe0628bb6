r"""The MLP variational autoencoder with a Bernoulli decoder (seed 000) and its 2-d latent version (seed 001).

Encoder ``x -> h = relu(W1 x + b1) -> (mu, logvar)``, decoder ``z -> relu(W3 z + b3) -> logits``,
``q(z|x) = N(mu, diag exp(logvar))``, ``p(z) = N(0, I)``, ``p(x|z) = Bernoulli(sigmoid(logits))``.
Training minimises the single-sample negative ELBO per example, averaged over the batch:

    loss = mean_b [ -sum_d bernoulli_log_prob(x, logits) + KL(N(mu, exp(logvar)) || N(0, I)) ]
    z = mu + exp(logvar / 2) * eps,  eps ~ N(0, I)  (drawn from an explicit generator)

in nats per example (the unit of the VAE / IWAE papers' tables).

Corrections to the seed listings (the model follows the corrected version):

- seed 000 (``Decoder.forward``: ``return torch.sigmoid(self.fc4(h))`` then
  ``F.binary_cross_entropy(recon_x, x, reduction='sum')``): sigmoid followed by a log is
  numerically unsafe (a saturated sigmoid gives log 0, which torch clamps at -100, so the loss and
  its gradient are wrong for confident pixels). The decoder here returns logits and the
  reconstruction term is ``bernoulli_log_prob(x, logits)`` (BCE with logits).
- seed 000 (``main``: ``transforms.ToTensor()``) scores grey levels x in [0, 1] with the
  Bernoulli BCE, which is a log-probability only for x in {0, 1} (erratum E000-14: exp(-BCE) does
  not integrate to 1 over [0, 1]). The models here train and evaluate on dynamically binarized
  pixels (``models.data``: a fresh Bernoulli draw of every grey level each batch), so the loss is
  an exact negative ELBO.
- seed 000 sums the loss over the batch (``reduction='sum'``) and divides by the data set size
  only for printing; here the loss is the per-example mean, so the step size does not depend on
  the batch size (Adam is nearly invariant to the scale anyway).
- seed 001 (Keras ``vae_loss``): ``z_log_sigma`` is used as log sigma in ``sampling``
  (``z_mean + K.exp(z_log_sigma) * epsilon``) but as log variance in the KL
  (``1 + z_log_sigma - K.square(z_mean) - K.exp(z_log_sigma)``), and the KL is a ``K.mean`` over
  latents next to a ``binary_crossentropy`` that is a mean over the 784 pixels, so neither term
  is the ELBO's. Here ``logvar`` is a log variance in both places and both terms are sums.

References:
    Kingma & Welling, Auto-Encoding Variational Bayes, arXiv:1312.6114, Section 3 and Appendix B
    (closed-form KL), Appendix C.1 (Bernoulli MLP decoder).
    Seed 000, section "代码示例" (the 784-400-20 VAE); seed 001, section "变分自编码器" (the Keras
    VAE with a 2-d latent, intermediate_dim 256, the scatter plot and the 15x15 manifold).
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from genspec.reference import bernoulli_log_prob, log_normal, negative_elbo, reparameterize

__all__ = ["MLPVAE"]


class MLPVAE(nn.Module):
    """One-hidden-layer MLP VAE with a Bernoulli decoder.

    Arguments:
        input_dim: D, pixels per image (784).
        hidden: units of the encoder's and decoder's hidden layer (400 in seed 000, 256 in seed 001).
        latent: dimension L of z (20 in seed 000, 2 in seed 001).

    Images enter as ``(B, 1, 28, 28)`` or ``(B, D)`` floats in [0, 1] and are flattened.
    """

    def __init__(self, input_dim: int = 784, *, hidden: int = 400, latent: int = 20) -> None:
        super().__init__()
        for name, value in (("input_dim", input_dim), ("hidden", hidden), ("latent", latent)):
            if value < 1:
                raise ValueError(f"{name}={value}, but should be a positive integer")
        self.input_dim, self.latent = input_dim, latent
        self.fc1 = nn.Linear(input_dim, hidden)
        self.fc_mu = nn.Linear(hidden, latent)
        self.fc_logvar = nn.Linear(hidden, latent)
        self.fc3 = nn.Linear(latent, hidden)
        self.fc4 = nn.Linear(hidden, input_dim)

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``(B, ...) -> mu, logvar``, each ``(B, L)``."""
        h = F.relu(self.fc1(x.flatten(1)))
        return self.fc_mu(h), self.fc_logvar(h)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Bernoulli logits ``(*batch, D)`` of p(x|z) for ``z: (*batch, L)``."""
        return self.fc4(F.relu(self.fc3(z)))

    def decode_mean(self, z: torch.Tensor) -> torch.Tensor:
        """Mean image ``sigmoid(logits)``: ``(B, L) -> (B, 1, 28, 28)`` (for D = 784)."""
        return torch.sigmoid(self.decode(z)).view(-1, 1, 28, 28)

    def log_px_given_z(self, x: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        """``log p(x|z)`` summed over pixels: ``x (B, ...)``, ``z (*k, B, L)`` -> ``(*k, B)``."""
        return bernoulli_log_prob(x.flatten(1), self.decode(z))

    def log_prior(self, z: torch.Tensor) -> torch.Tensor:
        """``log N(z; 0, I)`` summed: ``(*batch, L) -> (*batch,)``."""
        zeros = torch.zeros_like(z)
        return log_normal(z, zeros, zeros)

    def training_loss(self, x: torch.Tensor, *, generator: torch.Generator | None,
                      step: int = 0) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """Batch mean of the single-sample negative ELBO (nats per example) and its two terms."""
        mu, logvar = self.encode(x)
        eps = torch.randn(mu.shape, generator=generator, dtype=mu.dtype, device=mu.device)
        logits = self.decode(reparameterize(mu, logvar, eps))
        nelbo = negative_elbo(x.flatten(1), logits, mu, logvar)
        rec = -bernoulli_log_prob(x.flatten(1), logits)
        return nelbo.mean(), {"neg_elbo": nelbo.mean().detach(), "reconstruction": rec.mean().detach()}

    def reconstruct(self, x: torch.Tensor) -> torch.Tensor:
        """Mean reconstruction ``sigmoid(decode(mu))``, shaped like ``x``."""
        mu, _ = self.encode(x)
        return torch.sigmoid(self.decode(mu)).view_as(x)
