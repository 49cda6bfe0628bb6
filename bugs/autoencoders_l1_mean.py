"""L1 activity penalty averaged over the code units instead of summed (Keras' activity_l1 sums them)."""
from reference import *  # noqa: F401,F403

AREA = "autoencoders"
CAUGHT_BY = "properties/test_sparse_l1.py::test_l1_activity_penalty_is_weight_times_sum_of_abs"
SOURCE = ("plausible: PyTorch ports of seed 001's sparse autoencoder commonly write "
          "`l1 * torch.mean(torch.abs(code))`, which divides Keras' penalty (sum over units of the batch "
          "mean) by the code size, 32")


def l1_activity_penalty(h, weight):
    if not float(weight) >= 0:
        raise ValueError(f"weight={weight!r} must be non-negative")
    return float(weight) * h.abs().mean(-1)
