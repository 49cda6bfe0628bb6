"""bits_per_dim omits the D ln(256) term of the dequantized density: -log_likelihood / (D ln 2),
8 bits per dimension too few for 8-bit data scaled to [0, 1)."""
import math

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.bits_per_dim import check_arguments

AREA = "flows"
TIER = "law"
CAUGHT_BY = "properties/test_bits_per_dim.py::test_bits_per_dim_is_the_code_length_on_the_original_scale"
SOURCE = ("jhjacobsen/invertible-resnet#9 ('Why do you want to add an 8?'); openai/glow#51 "
          "(log-determinant off by a constant for 5-bit images)")


def bits_per_dim(log_likelihood, num_dims: int, *, n_bins: int = 256):
    check_arguments(log_likelihood, num_dims, n_bins)
    return -log_likelihood / (num_dims * math.log(2.0))
