"""NICE's diagonal scaling layer, and its equivalence to a learned prior standard deviation.

With a parameter vector ``log_scale`` = s of length D (initialised to zeros, the identity):

    forward  (data -> latent):  z = h * exp(s),    log_det = sum_i s_i
    inverse  (latent -> data):  h = z * exp(-s),   log_det = -sum_i s_i

Each product is formed as ``(h * exp(s / 2)) * exp(s / 2)``: it overflows only where ``h * exp(s)``
does (a log-scale of 100 with |h| < 1e-5 stays finite in float32), and a zero coordinate stays 0
at any finite s (no ``0 * inf = NaN``).

With a standard normal prior on z, the log-likelihood of the unscaled output h is

    log N(h * exp(s); 0, I) + sum_i s_i = log N(h; 0, diag(sigma^2)),   sigma_i = exp(-s_i),

so the scaling layer is a learned prior standard deviation, sigma_i = 1 / exp(s_i): the seed's
"s_i = 1/sigma_i" with its s being the multiplicative scale exp(log_scale) here. Parametrising
by the log keeps the scale positive (the seed's "各个元素非负" must be strictly positive: a zero
scale is not invertible and has log 0 = -inf).

References:
    Dinh, Krueger, Bengio, "NICE", arXiv:1410.8516, section 3.3 (allowing rescaling), the
    log-likelihood sum_i [log p_H(f_i(x)) + log |S_ii|].
    Seed 003_2bb67353180af150.txt, section flow / 尺度变换层: equations (15)-(17) and
    "其实就有 si=1/σi".
"""

from __future__ import annotations

import torch
from torch import nn

from genspec.reference.gaussian import times_exp
from genspec.reference.validation import MAX_SIZE, check_floating, expected, integer

__all__ = ["Scaling"]


class Scaling(nn.Module):
    """``z = h * exp(log_scale)``, log_det = ``log_scale.sum()`` for every batch element.

    Args:
        dim: D, the number of coordinates; ``log_scale`` has shape ``(D,)`` and starts at zeros.
    """

    def __init__(self, dim: int) -> None:
        super().__init__()
        dim = integer("dim", dim, minimum=1, maximum=MAX_SIZE)
        self.log_scale = nn.Parameter(torch.zeros(dim))

    def _check(self, x: torch.Tensor, name: str) -> None:
        check_floating(name, x)
        if x.dim() < 1 or x.shape[-1] != self.log_scale.numel():
            raise ValueError(expected(name, x, f"have shape (*batch, D) with D={self.log_scale.numel()}, the length "
                                      "of log_scale", f"shape {tuple(x.shape)}"))

    def forward(self, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Data to latent: ``(*batch, D) -> ((*batch, D), (*batch,))``."""
        self._check(h, "h")
        log_scale = self.log_scale.to(h.dtype)
        log_det = h.new_zeros(h.shape[:-1]) + log_scale.sum()
        return times_exp(h, log_scale), log_det

    def inverse(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Latent to data: ``(*batch, D) -> ((*batch, D), (*batch,))``."""
        self._check(z, "z")
        log_scale = self.log_scale.to(z.dtype)
        log_det = z.new_zeros(z.shape[:-1]) - log_scale.sum()
        return times_exp(z, -log_scale), log_det

    def extra_repr(self) -> str:
        return f"dim={self.log_scale.numel()}"
