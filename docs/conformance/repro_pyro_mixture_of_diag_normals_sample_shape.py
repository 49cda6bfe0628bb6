"""pyro 1.9: MixtureOfDiagNormals.rsample accepts a 1-D sample shape only."""
import torch
import pyro.distributions as dist

d = dist.MixtureOfDiagNormals(torch.zeros(2, 3), torch.ones(2, 3), torch.zeros(2))
print("rsample((4,)):", tuple(d.rsample((4,)).shape))  # (4, 3)
try:
    print("rsample((2, 5)):", tuple(d.rsample((2, 5)).shape))
except RuntimeError as error:
    print(f"rsample((2, 5)) raises RuntimeError: {error}")
