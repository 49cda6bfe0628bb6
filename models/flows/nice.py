r"""NICE in the paper's MNIST configuration, trained on dequantized images.

``reference.NICE(784, couplings=4, hidden=1000, depth=5, prior="logistic")``: four additive
couplings with the interleaved even/odd partition alternating between layers, each coupling
function a ReLU MLP with five hidden layers of 1000 units, a diagonal scaling ``exp(log_scale)``
and a standard logistic prior. The log-likelihood of a dequantized image ``x = (k + u) / 256`` is

    log p(x) = sum_d log p_H(h_d) + sum_d log_scale_d,    h = f(x)

and the loss is ``-mean_b log p(x_b)`` (nats per image). ``bits_per_dim`` turns a test
log-likelihood into bits per dimension of the 8-bit images,
``(D ln 256 - log p) / (D ln 2)``.

Optimiser (``NICE_ADAM`` below): Adam, learning rate 1e-3, ``betas=(0.9, 0.99)``,
``eps=1e-4``. The paper writes
"momentum 0.9, beta2 = 0.01, lambda = 1, epsilon = 1e-4" in the first Adam paper's convention,
where beta2 is one minus the decay rate: 0.01 there is ``betas[1] = 0.99`` in torch (several
re-implementations pass ``betas=(0.9, 0.01)`` literally, which averages squared gradients over
about one step).

References:
    Dinh, Krueger & Bengio, NICE: Non-linear Independent Components Estimation, arXiv:1410.8516,
    Section 5.1 (MNIST: 4 couplings, 5 x 1000 ReLU, logistic prior, log-likelihood 1980.50),
    Section 5.2 (sampling). Seed 003, sections "模型细节" and "退火参数" (sampling at 0.8).
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from genspec.reference import NICE, bits_per_dim

__all__ = ["NICE_ADAM", "NICEModel"]

#: NICE's optimiser, the paper's Adam settings in torch's convention (see the module docstring).
NICE_ADAM: dict[str, Any] = {"lr": 1e-3, "betas": (0.9, 0.99), "eps": 1e-4}


class NICEModel(nn.Module):
    """``reference.NICE`` on flattened 28 x 28 images, with the training interface of the models.

    Arguments:
        dim: D, pixels per image (784).
        couplings, hidden, depth, prior: passed to ``reference.NICE`` (paper: 4, 1000, 5, logistic).
    """

    def __init__(self, dim: int = 784, *, couplings: int = 4, hidden: int = 1000, depth: int = 5,
                 prior: str = "logistic") -> None:
        super().__init__()
        self.dim = dim
        self.flow = NICE(dim, couplings=couplings, hidden=hidden, depth=depth, prior=prior)

    def log_prob(self, x: torch.Tensor) -> torch.Tensor:
        """``log p(x)`` in nats: ``(B, 1, 28, 28)`` or ``(B, D)`` -> ``(B,)``."""
        return self.flow.log_prob(x.flatten(1))

    def training_loss(self, x: torch.Tensor, *, generator: torch.Generator | None = None,
                      step: int = 0) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """``-mean log p(x)`` (nats per image) and its bits/dim."""
        nll = -self.log_prob(x).mean()
        return nll, {"nll": nll.detach(), "bits_per_dim": bits_per_dim(-nll.detach(), self.dim)}

    def sample(self, n: int, *, temperature: float = 1.0, generator: torch.Generator | None = None) -> torch.Tensor:
        """``n`` images ``(n, 1, 28, 28)``, clipped to [0, 1], prior scaled by ``temperature``."""
        x = self.flow.sample(n, temperature=temperature, generator=generator)
        return x.clamp(0.0, 1.0).view(n, 1, 28, 28)
