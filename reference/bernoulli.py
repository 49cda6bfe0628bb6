r"""The Bernoulli decoder's log-likelihood, computed from logits and stable for every finite logit.

For data x in [0, 1] (binary, or grey levels read as Bernoulli means, as MNIST VAEs do) and
decoder logits l, with sigma the logistic function:

.. math::

    \log p(x \mid l) = \sum_j \big[x_j \log\sigma(l_j) + (1 - x_j)\log(1 - \sigma(l_j))\big]
                     = -\sum_j \big[x_j\,\mathrm{softplus}(-l_j) + (1 - x_j)\,\mathrm{softplus}(l_j)\big]

with ``softplus(l) = log(1 + exp(l)) = logaddexp(0, l)``, which never overflows and never takes the
log of a rounded-to-zero probability. Summed over the event (pixel) dimension: this is the negative of
``F.binary_cross_entropy(..., reduction='sum')`` of seed 000 per example, *not* Keras'
``binary_crossentropy`` of seed 001, which averages over pixels.

Going through probabilities first, as seed 000's decoder does (a ``torch.sigmoid`` output fed to
``F.binary_cross_entropy``), loses ``log(1 - sigmoid(l))`` once sigmoid(l) rounds to 1 (l ≳ 17 in
float32, ≳ 37 in float64); PyTorch then clamps each log at -100, so a confidently wrong pixel costs
at most 100 nats instead of |l|.

References:
    Kingma & Welling, arXiv:1312.6114, Appendix C.1 (Bernoulli MLP decoder).
    Seed 000 (``000_bf33366f7638eda2.txt``), "代码示例": ``torch.sigmoid(self.fc4(h))`` and
    ``F.binary_cross_entropy(recon_x, x, reduction='sum')``. Seed 001, VAE section
    (``objectives.binary_crossentropy``).
"""

from __future__ import annotations

import torch
from torch import Tensor

from genspec.reference.validation import (
    broadcast_shape, check_event, check_event_sizes, check_finite, check_floating, check_interval,
)

__all__ = ["bernoulli_log_prob"]


def _softplus(value: Tensor) -> Tensor:
    """``log(1 + exp(value))`` = logaddexp(0, value): no overflow, no threshold approximation (as in
    ``F.softplus``, off by exp(-20) ≈ 2e-9 above 20), and the derivative sigmoid(value) everywhere
    (a ``clamp(min=0) + log1p(exp(-|v|))`` form has derivative 1, not 1/2, at 0)."""
    return torch.logaddexp(torch.zeros_like(value), value)


def bernoulli_log_prob(x: Tensor, logits: Tensor) -> Tensor:
    """``sum_j x_j log sigmoid(l_j) + (1 - x_j) log(1 - sigmoid(l_j))`` over the last dimension.

    Args:
        x: data in [0, 1], ``(*batch, D)``.
        logits: decoder logits (pre-sigmoid), broadcastable with x, ``(*batch, D)``; finite.

    Returns:
        ``(*batch,)`` log-likelihoods (<= 0), in the dtype of the inputs.
    """
    for name, value in (("x", x), ("logits", logits)):
        check_floating(name, value)
        check_event(name, value)
    check_finite("logits", logits)
    check_interval("x", x, 0.0, 1.0)
    broadcast_shape(x=x, logits=logits)
    check_event_sizes(x=x, logits=logits)
    return -(x * _softplus(-logits) + (1 - x) * _softplus(logits)).sum(dim=-1)
