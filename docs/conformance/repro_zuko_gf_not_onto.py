"""zuko 1.x: the Gaussianization flow GF maps R onto a bounded interval, so its density has mass < 1."""
import torch
import zuko

torch.manual_seed(0)
flow = zuko.flows.GF(1).double()  # zuko's defaults: transforms=3, components=8
x = torch.linspace(-100, 100, 400001, dtype=torch.float64)[:, None]
print("mass of exp(log_prob) on [-100, 100]:", torch.trapezoid(flow().log_prob(x).exp(), x[:, 0]).item())
z = flow().transform(x)
print("image of [-100, 100]:", z.min().item(), z.max().item())
