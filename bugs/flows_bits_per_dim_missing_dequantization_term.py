"""bits_per_dim omits the D ln(256) term of the dequantized density: -log_likelihood / (D ln 2),
8 bits per dimension too few for 8-bit data scaled to [0, 1)."""
import math

from reference import *  # noqa: F401,F403

AREA = "flows"
CAUGHT_BY = "properties/test_bits_per_dim.py::test_bits_per_dim_is_the_code_length_on_the_original_scale"
SOURCE = ("jhjacobsen/invertible-resnet#9 ('Why do you want to add an 8?'); openai/glow#51 "
          "(log-determinant off by a constant for 5-bit images)")


def bits_per_dim(log_likelihood, num_dims: int, *, n_bins: int = 256):
    if isinstance(num_dims, bool) or not isinstance(num_dims, int) or num_dims < 1:
        raise ValueError(f"num_dims={num_dims!r} must be a positive integer")
    if isinstance(n_bins, bool) or not isinstance(n_bins, int) or n_bins < 2:
        raise ValueError(f"n_bins={n_bins!r} must be an integer >= 2")
    return -log_likelihood / (num_dims * math.log(2.0))
