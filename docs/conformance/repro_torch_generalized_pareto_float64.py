"""torch 2.x: GeneralizedPareto.log_prob fails for float64 parameters."""
import torch
from torch.distributions import GeneralizedPareto

f64 = torch.float64
d = GeneralizedPareto(torch.tensor(0.0, dtype=f64), torch.tensor(1.0, dtype=f64), torch.tensor(0.3, dtype=f64))
x = d.rsample()
print("rsample dtype:", x.dtype)
try:
    print("log_prob:", d.log_prob(x))
except RuntimeError as error:
    print(f"log_prob raises RuntimeError: {error}")  # Double did not match Float
