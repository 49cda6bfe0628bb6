"""dequantize divides by n_bins - 1 (255) instead of n_bins: (k + u) / 255 leaves [0, 1) and its
cell, and the density it feeds is off by (256/255)^D."""
import torch

from genspec.reference import *  # noqa: F401,F403

AREA = "flows"
TIER = "law"
CAUGHT_BY = "properties/test_bits_per_dim.py::test_histogram_density_on_dequantized_data_gives_the_discrete_code_length"
SOURCE = "rosinality/glow-pytorch#17 (n_bins = 2**n_bits vs 2**n_bits - 1 in the dequantization)"


def dequantize(x: torch.Tensor, *, n_bins: int = 256, generator: torch.Generator | None = None,
               dtype: torch.dtype | None = None) -> torch.Tensor:
    out_dtype = x.dtype if x.dtype.is_floating_point else (dtype or torch.get_default_dtype())
    u = torch.rand(x.shape, generator=generator, dtype=out_dtype)
    return (x.to(out_dtype) + u) / (n_bins - 1)
