r"""The per-example negative ELBO of a VAE with a Bernoulli decoder and a N(0, I) prior.

With an encoder q(z|x) = N(mu, diag(exp(logvar))), a prior p(z) = N(0, I) and a Bernoulli decoder
whose logits were computed from one draw z ~ q (by ``reparameterize``):

.. math::

    \mathrm{ELBO}(x) = \mathbb{E}_{q(z|x)}[\log p(x \mid z)] - KL(q(z|x) \,\|\, p(z))
                     \le \log p(x)

    negative\_elbo(x, logits, mu, logvar) = -\log p(x \mid z) + KL(N(mu, e^{logvar}) \,\|\, N(0, I))

the one-sample estimator of -ELBO (Kingma & Welling's \tilde{L}^B with L = 1) whose KL is analytic.
It is per example: no reduction over the batch, so one example's value never depends on another's
(``.sum()`` or ``.mean()`` it in the training loop). Seed 000's ``loss_function`` is the batch sum
of this quantity; seed 004's ``F.mse_loss(..., reduction='mean') + 0.0025 * KL`` is, up to a factor
and a constant, the same bound for a Gaussian decoder with variance 0.0025 · D / 2 (0.98 for MNIST).

References:
    Kingma & Welling, arXiv:1312.6114, eq. (3) and eq. (10).
    Seed 000 (``000_bf33366f7638eda2.txt``), "ELBO的最大化" and ``loss_function``.
    Seed 002 (``002_5243b5eda1672e89.txt``), "VAE": l_i = -E_q[log p(x_i|z)] + KL[q(z|x_i) || p(z)].
    Seed 004 (``004_66c9886f7d9d9ca6.txt``), eq. (8) and eq. (11).
"""

from __future__ import annotations

import torch
from torch import Tensor

from genspec.reference.bernoulli import bernoulli_log_prob
from genspec.reference.gaussian import kl_normal_std

__all__ = ["negative_elbo"]


def negative_elbo(x: Tensor, logits: Tensor, mu: Tensor, logvar: Tensor) -> Tensor:
    """``-bernoulli_log_prob(x, logits) + kl_normal_std(mu, logvar)``, per example.

    Args:
        x: data in [0, 1], ``(*batch, D)``.
        logits: decoder logits computed from one z ~ q(z|x), ``(*batch, D)``.
        mu: encoder mean, ``(*batch, K)``.
        logvar: encoder log-variance, ``(*batch, K)``.

    Returns:
        ``(*batch,)``: the one-sample estimate of -ELBO(x), in nats.
    """
    reconstruction = bernoulli_log_prob(x, logits)
    kl = kl_normal_std(mu, logvar)
    try:
        torch.broadcast_shapes(reconstruction.shape, kl.shape)
    except RuntimeError:
        raise ValueError(f"batch shapes do not fit: x.shape={tuple(x.shape)} and mu.shape="
                         f"{tuple(mu.shape)} have batch dimensions that do not broadcast") from None
    return kl - reconstruction
