"""bits_per_dim mixes log bases: (D log2(n_bins) - log_likelihood) / (D ln 2), the dequantization
term in bits divided by ln 2 again (11.5 instead of 8 bits for a uniform density)."""
import math

from reference import *  # noqa: F401,F403

AREA = "flows"
CAUGHT_BY = "properties/test_bits_per_dim.py::test_bits_per_dim_is_the_code_length_on_the_original_scale"
SOURCE = "vislearn/IB-INN#3 (Is the computed BPD wrong?: nats and bits terms combined by hand)"


def bits_per_dim(log_likelihood, num_dims: int, *, n_bins: int = 256):
    if isinstance(num_dims, bool) or not isinstance(num_dims, int) or num_dims < 1:
        raise ValueError(f"num_dims={num_dims!r} must be a positive integer")
    if isinstance(n_bins, bool) or not isinstance(n_bins, int) or n_bins < 2:
        raise ValueError(f"n_bins={n_bins!r} must be an integer >= 2")
    return (num_dims * math.log2(n_bins) - log_likelihood) / (num_dims * math.log(2.0))
