r"""The importance-weighted (IWAE) bound on log p(x) from k log importance weights.

With z_1..z_k drawn independently from q(z|x) and log weights
``log_weights[i] = log p(x, z_i) - log q(z_i | x)``:

.. math::

    \mathcal{L}_k = \log \frac1k \sum_{i=1}^k w_i
                  = \mathrm{logsumexp}_i(log\_weights_i) - \log k

Properties (Burda, Grosse & Salakhutdinov 2016, Theorem 1): L_1 is the single-sample ELBO estimate;
E[L_k] <= E[L_{k+1}] <= log p(x); pointwise, L_k is at least the average of L_m over the m-subsets of
the k weights (concavity of log); when q is the exact posterior every weight equals p(x) and every
L_k = log p(x). The sum is taken with the log-sum-exp shift, so weights of any magnitude (log
weights of -1e4 are usual for a 784-pixel image) neither underflow nor overflow.

References:
    Y. Burda, R. Grosse, R. Salakhutdinov. Importance Weighted Autoencoders. ICLR 2016,
    arXiv:1509.00519, eq. (8) and Theorem 1.
    Seed 002 (``002_5243b5eda1672e89.txt``), "VAE": p(x) ≈ (1/n) sum_i p(x|z_i), the plain Monte
    Carlo estimate that importance weighting with q(z|x) makes practical; seed 004, eq. (5).
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

from genspec.reference.validation import check_floating, expected, first_index

__all__ = ["iwae_bound"]


def iwae_bound(log_weights: Tensor) -> Tensor:
    """``logsumexp(log_weights, dim=0) - log k`` with k = ``log_weights.shape[0]``.

    Args:
        log_weights: ``(k, *batch)`` log importance weights log p(x, z_i) - log q(z_i | x); the
            samples are along dim 0. Entries may be -inf (a zero weight), never NaN or +inf.

    Returns:
        ``(*batch,)``: the k-sample bound L_k, in the dtype of ``log_weights``.
    """
    check_floating("log_weights", log_weights)
    if log_weights.dim() < 1 or log_weights.shape[0] < 1:
        raise ValueError(expected("log_weights", log_weights, "have k >= 1 samples along dim 0, shape (k, *batch)"))
    bad = torch.isnan(log_weights) | (log_weights == math.inf)
    if bool(bad.any()):
        first = first_index(bad)
        raise ValueError(expected("log_weights", log_weights, "not contain NaN or +inf (-inf, a zero weight, is "
                                  "allowed)", f"{float(log_weights[first])} at index {first}"))
    k = log_weights.shape[0]
    return torch.logsumexp(log_weights, dim=0) - math.log(k)
