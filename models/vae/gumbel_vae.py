r"""Categorical VAE with Gumbel-Softmax latents: 20 variables x 10 categories (Jang et al. 2017).

Encoder ``784 -> 512 -> 256 -> N * K`` (ReLU) gives the logits ``(B, N, K)`` of
``q(y|x) = prod_n Cat(softmax(logits_n))``; the prior is uniform, ``p(y_n) = 1 / K``; the decoder
``N * K -> 256 -> 512 -> 784`` (ReLU) gives Bernoulli logits of ``p(x|y)``. Training minimises

    loss = mean_b [ -bernoulli_log_prob(x, decode(y)) + sum_n KL(Cat(q_n) || U(K)) ]
    KL(Cat(q_n) || U(K)) = sum_k q_nk (log q_nk + log K)
    y = gumbel_softmax(logits, tau, hard=hard)        (soft, or straight-through when hard)
    tau = anneal_tau(step, tau0=1.0, rate=1e-4, tau_min=0.5, every=1000)

with the KL of the categorical (not of the relaxation), as in the paper's experiments. The soft
model's objective is a relaxed one; the evaluation reports the true discrete negative ELBO,
``y`` one-hot from ``gumbel_max``, beside the relaxed objective at the final temperature.

References:
    Jang, Gu & Poole, Categorical Reparameterization with Gumbel-Softmax, ICLR 2017,
    arXiv:1611.01144, Section 2 (Eq. 1, Gumbel-Softmax), Section 2.2 (straight-through),
    Section 4.3 and Appendix (the VAE, 20 x 10 latents, tau annealing max(0.5, exp(-r t)) every N
    steps), Table 2 (test -ELBO on binarized MNIST: 101.5 Gumbel-Softmax, 107.8 ST Gumbel-Softmax).
    Maddison, Mnih & Teh, The Concrete Distribution, arXiv:1611.00712.
    Seed 000, sections "Gumbel Softmax：离散分布的重参数化" and "温度退火", and "离散隐变量的VAE".
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

from genspec.reference import anneal_tau, bernoulli_log_prob, gumbel_max, gumbel_softmax

__all__ = ["CategoricalVAE"]


class CategoricalVAE(nn.Module):
    """Gumbel-Softmax VAE with ``variables`` categorical latents of ``categories`` classes.

    Arguments:
        input_dim: D, pixels per image (784).
        variables: N categorical latent variables (20).
        categories: K classes per variable (10).
        hard: straight-through Gumbel-Softmax (one-hot forward, soft gradient) instead of soft.
        tau0, rate, tau_min, every: the annealing schedule of ``anneal_tau``.
    """

    def __init__(self, input_dim: int = 784, *, variables: int = 20, categories: int = 10, hard: bool = False,
                 tau0: float = 1.0, rate: float = 1e-4, tau_min: float = 0.5, every: int = 1000) -> None:
        super().__init__()
        if variables < 1:
            raise ValueError(f"variables={variables}, but should be a positive integer")
        if categories < 2:
            raise ValueError(f"categories={categories}, but should be at least 2")
        self.variables, self.categories, self.hard = variables, categories, hard
        self.schedule = {"tau0": tau0, "rate": rate, "tau_min": tau_min, "every": every}
        latent = variables * categories
        self.encoder = nn.Sequential(nn.Linear(input_dim, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(),
                                     nn.Linear(256, latent))
        self.decoder = nn.Sequential(nn.Linear(latent, 256), nn.ReLU(), nn.Linear(256, 512), nn.ReLU(),
                                     nn.Linear(512, input_dim))

    def tau(self, step: int) -> float:
        """The annealed temperature at training step ``step``."""
        return float(anneal_tau(step, **self.schedule))

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """Logits of q(y|x): ``(B, ...) -> (B, N, K)``."""
        return self.encoder(x.flatten(1)).view(-1, self.variables, self.categories)

    def decode(self, y: torch.Tensor) -> torch.Tensor:
        """Bernoulli logits ``(B, D)`` from ``y: (B, N, K)`` (one-hot or relaxed)."""
        return self.decoder(y.flatten(1))

    def kl_uniform(self, logits: torch.Tensor) -> torch.Tensor:
        """``sum_n KL(Cat(softmax(logits_n)) || U(K))``: ``(B, N, K) -> (B,)``."""
        log_q = F.log_softmax(logits, dim=-1)
        return (log_q.exp() * (log_q + math.log(self.categories))).sum(dim=(-2, -1))

    def neg_elbo(self, x: torch.Tensor, y: torch.Tensor, logits: torch.Tensor) -> torch.Tensor:
        """Per-example ``-log p(x|y) + KL``: ``(B,)``."""
        return -bernoulli_log_prob(x.flatten(1), self.decode(y)) + self.kl_uniform(logits)

    def training_loss(self, x: torch.Tensor, *, generator: torch.Generator | None,
                      step: int = 0) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """Batch mean of the (relaxed, or straight-through) negative ELBO at ``tau(step)``."""
        tau = self.tau(step)
        logits = self.encode(x)
        y = gumbel_softmax(logits, tau, hard=self.hard, generator=generator)
        loss = self.neg_elbo(x, y, logits).mean()
        return loss, {"neg_elbo": loss.detach(), "tau": torch.tensor(tau)}

    def discrete_neg_elbo(self, x: torch.Tensor, *, generator: torch.Generator | None) -> torch.Tensor:
        """Single-sample negative ELBO of the discrete model (y one-hot ~ q(y|x)): ``(B,)``."""
        logits = self.encode(x)
        y = F.one_hot(gumbel_max(logits, generator=generator), self.categories).to(logits.dtype)
        return self.neg_elbo(x, y, logits)

    def reconstruct(self, x: torch.Tensor) -> torch.Tensor:
        """Reconstruction from the most probable category of each variable, shaped like ``x``."""
        logits = self.encode(x)
        y = F.one_hot(logits.argmax(-1), self.categories).to(logits.dtype)
        return torch.sigmoid(self.decode(y)).view_as(x)
