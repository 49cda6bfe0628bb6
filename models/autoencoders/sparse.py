r"""Sparse autoencoders: seed 001's L1 activity penalty and seed 002's KL(rho ‖ rho_hat_j) penalty.

L1 (seed 001, ``activity_regularizer=regularizers.activity_l1(10e-5)`` on the ReLU code):

    loss = pixel_bce(logits, x) + mean_b l1_activity_penalty(code, 1e-4)
         = pixel_bce + 1e-4 · sum_j mean_b |code[b, j]|           (Keras 1 adds exactly this)

``10e-5`` is 1e-4 (10 × 10⁻⁵). The seed reports 0.11 after 100 epochs, "the extra 0.01 mostly from
the regulariser", and a mean code value of 3.33 on the test set: 1e-4 × 32 units × 3.33 = 0.0107,
consistent with λ = 1e-4 (with 1e-5 the regulariser would add only 0.001).

KL (seed 002; Ng's sparse autoencoder), with a sigmoid code so that activations are in (0, 1):

    rho_hat[j] = mean_b code[b, j]                       (over the batch: the seed's 1/m Σ_i a_j(x⁽ⁱ⁾))
    loss = pixel_bce(logits, x) + (beta / D) · sparse_kl(rho, rho_hat)

rho = 0.05 (the seed's value for sigmoid units). The seed gives no β; β = 3 is Ng's, whose
reconstruction error is summed over pixels, hence the division by D (``losses.per_pixel``). With
ReLU units (seed 001's code) rho_hat can exceed 1 and the KL is undefined.

References:
    Ng, Sparse autoencoder, CS294A lecture notes (2011), section "Autoencoders and sparsity".
    Seed 001 (001_b5504797ad883274.txt), section "稀疏自编码器：为码字加上稀疏性约束".
    Seed 002 (002_5243b5eda1672e89.txt), section "Sparse AutoEncoder".
"""

from __future__ import annotations

import math

import torch

from genspec.models.autoencoders.base import real_option
from genspec.models.autoencoders.dense import DenseAE, SingleLayerAE
from genspec.models.autoencoders.losses import pixel_bce
from genspec.reference import l1_activity_penalty, sparse_kl_penalty

__all__ = ["SparseKLAE", "SparseL1AE"]


class SparseL1AE(DenseAE):
    """Seed 001's dense 784-32-784 autoencoder with an L1 penalty ``l1`` on the ReLU code."""

    def __init__(self, input_dim: int = 784, *, code: int = 32, l1: float = 1e-4) -> None:
        super().__init__(input_dim, code=code)
        l1_f = real_option("l1", l1)
        if not (math.isfinite(l1_f) and l1_f >= 0):
            raise ValueError(f"l1={l1!r}, but should be a non-negative finite number")
        self.l1 = l1_f

    def training_loss(self, x: torch.Tensor, *, generator: torch.Generator | None = None,
                      step: int | None = None) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """Per-pixel BCE + batch mean of ``l1 · sum_j |code_j|``."""
        xp = self.prepare(x)
        code = self.encode(xp)
        bce = pixel_bce(self.decode_logits(code), xp)
        penalty = l1_activity_penalty(code, self.l1).mean()
        return bce + penalty, {"bce": bce.detach(), "l1": penalty.detach(),
                               "code_mean": code.detach().mean()}


class SparseKLAE(SingleLayerAE):
    """Dense autoencoder with a sigmoid code and seed 002's KL sparsity penalty.

    Arguments:
        input_dim: D (784).
        code: hidden units (32, as seed 001's code).
        rho: target mean activation (0.05).
        beta: weight of the penalty in a pixel-summed objective (3, Ng's value).
    """

    def __init__(self, input_dim: int = 784, *, code: int = 32, rho: float = 0.05, beta: float = 3.0) -> None:
        super().__init__(input_dim, code=code, activation=torch.sigmoid)
        rho_f, beta_f = real_option("rho", rho), real_option("beta", beta)
        if not 0.0 < rho_f < 1.0:  # also rejects NaN
            raise ValueError(f"rho={rho!r}, but should lie in (0, 1)")
        if not (math.isfinite(beta_f) and beta_f >= 0.0):
            raise ValueError(f"beta={beta!r}, but should be a non-negative finite number")
        self.rho, self.beta = rho_f, beta_f

    def training_loss(self, x: torch.Tensor, *, generator: torch.Generator | None = None,
                      step: int | None = None) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """Per-pixel BCE + ``(beta / D) · sum_j KL(rho ‖ mean over the batch of code_j)``."""
        xp = self.prepare(x)
        code = self.encode(xp)
        bce = pixel_bce(self.decode_logits(code), xp)
        kl = sparse_kl_penalty(code, self.rho)
        return bce + self.beta / self.num_inputs * kl, {"bce": bce.detach(), "sparse_kl": kl.detach(),
                                                         "rho_hat_mean": code.detach().mean()}
