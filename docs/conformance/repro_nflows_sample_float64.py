"""nflows 0.14: Flow.sample fails for a float64 flow (StandardNormal draws in the default dtype)."""
import torch
from nflows.flows import MaskedAutoregressiveFlow

torch.manual_seed(0)
flow = MaskedAutoregressiveFlow(3, hidden_features=8, num_layers=1, num_blocks_per_layer=1).double()
print("log_prob dtype:", flow.log_prob(torch.randn(2, 3, dtype=torch.float64)).dtype)  # float64: fine
print("base sample dtype:", flow._distribution.sample(2).dtype)                        # float32
try:
    flow.sample(2)
    print("sampled")
except RuntimeError as error:
    print(f"raises RuntimeError: {error}")  # mat1 and mat2 must have the same dtype
