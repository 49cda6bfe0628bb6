"""Bits per dimension of a continuous density on dequantized discrete data.

Data with ``n_bins`` levels per coordinate, k in {0, ..., n_bins - 1}^D, is scaled and
dequantized to y = (k + u) / n_bins, u ~ U[0, 1)^D, so y lies in [0, 1)^D. For a density p on
y the probability of the discrete point k is P(k) = integral of p over a cell of volume
n_bins^-D, and by Jensen's inequality

    log P(k) >= E_u[ log p(y) ] - D ln(n_bins),

so the (upper bound on the) code length per coordinate, in bits, is

    bits_per_dim = (D ln(n_bins) - log_likelihood) / (D ln 2),

with ``log_likelihood`` = log p(y) in nats. A uniform density on [0, 1)^D has
log_likelihood = 0 and gives log2(n_bins) bits per dim (8 for 8-bit data).

References:
    Theis, van den Oord, Bethge, "A note on the evaluation of generative models",
    arXiv:1511.01844, section 3.1 (dequantization and the log-likelihood bound).
    Dinh, Krueger, Bengio, "NICE", arXiv:1410.8516, section 5.1 (dequantized data).
    Seed 003_2bb67353180af150.txt, section 实验 (MNIST with pixel values in 0~1).
"""

from __future__ import annotations

import math

import torch

from genspec.reference.validation import check_floating, check_no_nan, expected, integer, real_number

__all__ = ["bits_per_dim"]


def bits_per_dim(log_likelihood: torch.Tensor | float, num_dims: int, *, n_bins: int = 256) -> torch.Tensor | float:
    """``(num_dims * ln n_bins - log_likelihood) / (num_dims * ln 2)``, elementwise.

    Args:
        log_likelihood: log p(y) in nats of data scaled to [0, 1), any shape ``(*batch)``.
        num_dims: D, the number of coordinates the log-likelihood is summed over.
        n_bins: the number of discrete levels per coordinate (256 for 8-bit data).

    Returns:
        Bits per dimension, same shape (and dtype) as ``log_likelihood``.

    Raises:
        ValueError: for a ``log_likelihood`` with a NaN entry (it would give NaN bits silently); a
        -inf log-likelihood (a zero density) gives +inf bits.
    """
    log_likelihood = check_arguments(log_likelihood, num_dims, n_bins)
    num_dims, n_bins = int(num_dims), int(n_bins)  # a numpy or 0-d tensor count as the int it is
    return (num_dims * math.log(n_bins) - log_likelihood) / (num_dims * math.log(2.0))


def check_arguments(log_likelihood: torch.Tensor | float, num_dims: int, n_bins: int) -> torch.Tensor | float:
    """``ValueError`` naming the argument unless ``num_dims`` >= 1 and ``n_bins`` >= 2 are integers and
    ``log_likelihood`` is a real number or a floating tensor without NaN; returns the log-likelihood
    (a number as a float). A building block (catalogue entries reuse it), not part of the contract."""
    integer("num_dims", num_dims, minimum=1)
    integer("n_bins", n_bins, minimum=2)
    if isinstance(log_likelihood, torch.Tensor):
        check_floating("log_likelihood", log_likelihood)
        check_no_nan("log_likelihood", log_likelihood)
        return log_likelihood
    number = real_number("log_likelihood", log_likelihood, or_tensor=True)
    if math.isnan(number):
        raise ValueError(expected("log_likelihood", log_likelihood, "be a log density in nats, not NaN"))
    return number
