"""L1 activity penalty averaged over the code units instead of summed (Keras' activity_l1 sums them)."""
from genspec.reference import *  # noqa: F401,F403

AREA = "autoencoders"
TIER = "law"
CAUGHT_BY = "properties/test_sparse_l1.py::test_l1_activity_penalty_is_weight_times_sum_of_abs"
SOURCE = ("code listings l1_lambda * torch.mean(torch.abs(encoded)) in Alex-Bishka/ml-fun (mnist-"
          "mech-interp/SAE-ception/models_and_data/sae.py) and IdaCy/neuron_identify "
          "(src/autoencoder.py): a mean over the code units where Keras' activity regulariser sums "
          "them (keras-team/keras#1618)")


def l1_activity_penalty(h, weight):
    if not float(weight) >= 0:
        raise ValueError(f"weight={weight!r} must be non-negative")
    return float(weight) * h.abs().mean(-1)
