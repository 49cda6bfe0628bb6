r"""The contractive autoencoder (Rifai et al. 2011), named in seed 002.

A sigmoid encoder and a sigmoid-output decoder, trained with the reconstruction cross-entropy plus
λ times the squared Frobenius norm of the encoder's Jacobian, in closed form:

    code = sigmoid(W x + b)                                           (B, H)
    penalty = contractive_penalty(x, W, b) = sum_j (code_j (1 − code_j))² sum_i W_ji²
    loss = pixel_bce(logits, x) + (lam / D) · mean_b penalty

The paper's objective sums the cross-entropy over the D pixels, so its λ multiplies a per-example
penalty next to a summed reconstruction; dividing the whole objective by D (``losses.per_pixel``)
keeps λ's meaning and reports the loss in seed 001's per-pixel unit. λ = 0.1 is a default, not a
value from the seeds (the paper selects λ on validation data); H = 32 follows seed 001's code size.

References:
    Rifai, Vincent, Muller, Glorot, Bengio, Contractive Auto-Encoders: Explicit Invariance During
    Feature Extraction, ICML 2011 (the objective J_CAE).
    Seed 002 (002_5243b5eda1672e89.txt), section "其他 AutoEncoder".
"""

from __future__ import annotations

import math

import torch

from genspec.models.autoencoders.base import real_option
from genspec.models.autoencoders.dense import SingleLayerAE
from genspec.models.autoencoders.losses import per_pixel, pixel_bce
from genspec.reference import contractive_penalty

__all__ = ["ContractiveAE"]


class ContractiveAE(SingleLayerAE):
    """Dense ``input_dim``-``code``-``input_dim`` autoencoder with a sigmoid code and a contractive penalty."""

    def __init__(self, input_dim: int = 784, *, code: int = 32, lam: float = 0.1) -> None:
        super().__init__(input_dim, code=code, activation=torch.sigmoid)
        lam_f = real_option("lam", lam)
        if not (math.isfinite(lam_f) and lam_f >= 0):
            raise ValueError(f"lam={lam!r}, but should be a non-negative finite number")
        self.lam = lam_f

    def training_loss(self, x: torch.Tensor, *, generator: torch.Generator | None = None,
                      step: int | None = None) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """Per-pixel BCE + ``(lam / D) · mean_b ‖∂code/∂x‖_F²``."""
        xp = self.prepare(x)
        bce = pixel_bce(self.logits(xp), xp)
        jac = contractive_penalty(xp, self.encoder.weight, self.encoder.bias)  # (B,)
        return bce + self.lam * per_pixel(jac, self.num_inputs), {"bce": bce.detach(),
                                                                  "jacobian_sq": jac.detach().mean()}
