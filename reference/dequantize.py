"""Uniform dequantization of discrete data onto [0, 1).

Integer levels k in {0, ..., n_bins - 1} become continuous values

    y = (k + u) / n_bins,   u ~ U[0, 1) independently per coordinate,

so that floor(n_bins * y) = k and a continuous density fitted to y bounds the discrete
log-likelihood (see ``reference.bits_per_dim``). A float rounding of k + u up to k + 1 is
clipped to the largest representable value below (k + 1) / n_bins, keeping y in its cell.

References:
    Theis, van den Oord, Bethge, "A note on the evaluation of generative models",
    arXiv:1511.01844, section 3.1.
    Uria, Murray, Larochelle, "RNADE", arXiv:1306.0186, section 3 (adding uniform noise).
    Seed 003_2bb67353180af150.txt, section 实验 (pixel values in 0~1).
"""

from __future__ import annotations

import torch

from genspec.reference.validation import check_dtype, check_generator, check_tensor, expected, first_index, integer

__all__ = ["dequantize"]


def dequantize(x: torch.Tensor, *, n_bins: int = 256, generator: torch.Generator | None = None,
               dtype: torch.dtype | None = None) -> torch.Tensor:
    """``(x + u) / n_bins`` with u ~ U[0, 1) drawn from ``generator``.

    Args:
        x: integer levels in ``[0, n_bins - 1]``, shape ``(*S)``; an integer or a float tensor
            holding whole numbers.
        n_bins: the number of levels.
        generator: the source of u.
        dtype: the result's dtype when x is an integer tensor (default: torch's default dtype);
            a float x keeps its dtype.

    Returns:
        ``(*S)`` values in ``[0, 1)`` with ``floor(n_bins * y) == x``.
    """
    n_bins = integer("n_bins", n_bins, minimum=2)
    check_tensor("x", x)
    if x.dtype == torch.bool or x.is_complex():
        raise ValueError(expected("x", x, "hold integer levels (an integer or a real floating tensor)",
                                  f"dtype {x.dtype}"))
    check_generator(generator)
    dtype = check_dtype("dtype", dtype)
    out_dtype = x.dtype if x.dtype.is_floating_point else (dtype or torch.get_default_dtype())
    if x.numel():
        bad = (x < 0) | (x > n_bins - 1) | (x != torch.floor(x))
        if bool(bad.any()):
            first = first_index(bad)
            raise ValueError(expected("x", x, f"hold whole numbers in [0, {n_bins - 1}] (n_bins={n_bins})",
                                      f"{x[first].item()} at index {first}"))
    gen_device = generator.device if generator is not None else x.device
    u = torch.rand(x.shape, generator=generator, dtype=out_dtype, device=gen_device).to(x.device)
    k = x.to(out_dtype)
    y = (k + u) / n_bins
    upper = torch.nextafter((k + 1) / n_bins, torch.zeros_like(k))
    return torch.minimum(y, upper)
