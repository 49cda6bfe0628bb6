"""bits_per_dim checks D and n_bins against the int32 size limit of a tensor dimension (2**31 - 1).

They are numbers in a formula, not sizes of anything allocated: D = 2**31 (a 2048 x 1024 x 1024
volume) or a 2**32-level quantisation is rejected with a ValueError although the value is exact.
"""

from __future__ import annotations

import math

import torch

from genspec.reference import *  # noqa: F401,F403
from genspec.reference.bits_per_dim import check_arguments
from genspec.reference.validation import MAX_SIZE, integer

AREA = "flows"
TIER = "numerics"
CAUGHT_BY = "properties/test_bits_per_dim_numerics.py::test_bits_per_dim_at_the_largest_counts"
SOURCE = ("plausible: a count validated with the size limit of a layer or a mask (2**31 - 1, as for NICE's "
          "widths) where the count only enters arithmetic")


def bits_per_dim(log_likelihood: torch.Tensor | float, num_dims: int, *, n_bins: int = 256) -> torch.Tensor | float:
    integer("num_dims", num_dims, minimum=1, maximum=MAX_SIZE)  # BUG: a size limit on a count
    integer("n_bins", n_bins, minimum=2, maximum=MAX_SIZE)
    log_likelihood = check_arguments(log_likelihood, num_dims, n_bins)
    return (num_dims * math.log(n_bins) - log_likelihood) / (num_dims * math.log(2.0))
