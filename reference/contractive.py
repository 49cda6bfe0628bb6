r"""The contractive auto-encoder's penalty: the squared Frobenius norm of the encoder's Jacobian.

For a sigmoid encoder ``h = sigmoid(z)``, ``z = x @ weight.T + bias`` (``weight`` shaped as
``nn.Linear.weight``, ``(H, D)``), the Jacobian is ``J[j, i] = ∂h_j/∂x_i = h_j (1 − h_j) · weight[j, i]``,
so, per example,

    contractive_penalty(x, weight, bias) = ‖J‖_F² = sum_j (h_j (1 − h_j))² · sum_i weight[j, i]²

in closed form, without forming J. The derivative ``h (1 − h)`` is computed as
``sigmoid(z) · sigmoid(−z)``, which keeps its relative accuracy in both tails (``1 − h`` rounds to 0
for z ≳ 17 in float32). Everything runs in float64 (rounded once to the inputs' dtype), and each row
of ``weight`` is scaled by its largest entry ``m_j``:

    contractive_penalty = sum_j (h_j (1 − h_j) · m_j)² · sum_i (weight[j, i] / m_j)²

so that ``sum_i weight[j, i]²`` never overflows on its own (float32 weights ≥ 1.8e19) and a saturated
unit (h (1 − h) = 0) never meets an infinite ``sum_i w²`` (``0 · inf = NaN``). The contractive auto-encoder minimises
``L(x, g(h(x))) + λ · contractive_penalty`` (Rifai et al. 2011, the objective J_CAE).

References:
    Rifai, Vincent, Muller, Glorot, Bengio, Contractive Auto-Encoders: Explicit Invariance During
    Feature Extraction, ICML 2011: the objective J_CAE and the closed form of ‖J_f(x)‖_F² for a
    sigmoid encoder.
    Seed 002 (002_5243b5eda1672e89.txt), section "其他 AutoEncoder" ("Contrative AutoEncoder
    (CAE)" — the seed names the model but gives no formula).
"""

from __future__ import annotations

import torch
from torch.nn import functional as F

from genspec.reference.validation import check_event, check_finite, check_floating, expected

__all__ = ["contractive_penalty"]


def contractive_penalty(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    """``‖∂ sigmoid(x @ weight.T + bias) / ∂x‖_F²`` per example, in closed form.

    Args:
        x: inputs ``(*batch, D)``; finite.
        weight: encoder weight ``(H, D)``; finite.
        bias: encoder bias ``(H,)``; finite.

    Returns:
        ``(*batch,)``; differentiable in x, weight and bias.
    """
    for name, value in (("x", x), ("weight", weight), ("bias", bias)):
        check_floating(name, value)
    check_event("x", x)
    if weight.dim() != 2:
        raise ValueError(expected("weight", weight, "be a 2-d tensor (H, D) like nn.Linear.weight",
                                  f"shape {tuple(weight.shape)}"))
    if weight.shape[1] != x.shape[-1]:
        raise ValueError(expected("weight", weight, f"have D={x.shape[-1]} columns, the features of x",
                                  f"shape {tuple(weight.shape)}"))
    if tuple(bias.shape) != (weight.shape[0],):
        raise ValueError(expected("bias", bias, f"have shape ({weight.shape[0]},) to match weight",
                                  f"shape {tuple(bias.shape)}"))
    for name, value in (("x", x), ("weight", weight), ("bias", bias)):
        check_finite(name, value)
    dtype = torch.promote_types(torch.promote_types(x.dtype, weight.dtype), bias.dtype)
    x, weight, bias = x.to(torch.float64), weight.to(torch.float64), bias.to(torch.float64)
    z = F.linear(x, weight, bias)                      # (*batch, H)
    dh = torch.sigmoid(z) * torch.sigmoid(-z)          # h (1 − h), (*batch, H)
    m = weight.detach().abs().amax(dim=1)              # (H,), the rows' scales (constants for autograd)
    m = torch.where(m > 0, m, 1.0)
    w2 = (weight / m.unsqueeze(1)).square().sum(dim=1)  # sum_i (w_ji / m_j)^2 in [1, D], (H,)
    return ((dh * m).square() * w2).sum(-1).to(dtype)
