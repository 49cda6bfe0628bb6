"""torch 2.x: Wishart.rsample warns "Singular sample detected" for regular draws and its gradient
fails (an in-place operation on a tensor autograd needs)."""
import warnings

import torch
from torch.distributions import Wishart

torch.manual_seed(0)
L = torch.eye(2, requires_grad=True)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    x = Wishart(torch.tensor(4.0), scale_tril=L).rsample((4,))
print("warnings:", sorted({str(m.message) for m in caught}))
print("smallest eigenvalue of the draws:", torch.linalg.eigvalsh(x.detach()).min().item())
try:
    x.sum().backward()
    print("gradient:", L.grad)
except RuntimeError as error:
    print(f"backward raises RuntimeError: {str(error)[:160]}")
