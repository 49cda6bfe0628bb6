"""pyro 1.9: GaussianScaleMixture.rsample is batched, its log_prob is not."""
import torch
import pyro.distributions as dist

torch.manual_seed(0)
d = dist.GaussianScaleMixture(torch.ones(3), torch.zeros(2), torch.tensor([1.0, 2.0]))
x = d.rsample((4,))
print("rsample shape:", tuple(x.shape))  # (4, 3)
print("log_prob of one draw:", d.log_prob(x[0]).item())
try:
    d.log_prob(x)
    print("batched log_prob")
except AssertionError as error:
    print(f"raises AssertionError {error!r}")  # assert value.dim() == 1
