"""pyro 1.9: the inverse of a float64 affine_autoregressive transform fails (buffer in the default dtype)."""
import torch
import pyro.distributions.transforms as T

torch.manual_seed(0)
t = T.affine_autoregressive(3, hidden_dims=[8]).double()
y = torch.randn(2, 3, dtype=torch.float64)
print("forward dtype:", t(y).dtype)  # float64
try:
    t.inv(y)
    print("inverted")
except RuntimeError as error:
    print(f"raises RuntimeError: {error}")  # mat1 and mat2 must have the same dtype
