"""bits_per_dim mixes log bases: (D log2(n_bins) - log_likelihood) / (D ln 2), the dequantization
term in bits divided by ln 2 again (11.5 instead of 8 bits for a uniform density)."""
import math

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.bits_per_dim import check_arguments

AREA = "flows"
TIER = "law"
CAUGHT_BY = "properties/test_bits_per_dim.py::test_bits_per_dim_is_the_code_length_on_the_original_scale"
SOURCE = "vislearn/IB-INN#3 (Is the computed BPD wrong?: nats and bits terms combined by hand)"


def bits_per_dim(log_likelihood, num_dims: int, *, n_bins: int = 256):
    check_arguments(log_likelihood, num_dims, n_bins)
    return (num_dims * math.log2(n_bins) - log_likelihood) / (num_dims * math.log(2.0))
