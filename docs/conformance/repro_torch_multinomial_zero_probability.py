"""torch 2.x: torch.multinomial (Categorical.sample) picks a class of probability 0 when its uniform
draw is exactly 0 — a value torch.rand returns (float32: probability 2**-24 per draw). The generator
state below is one whose next uniforms are 0 (genspec.domains.extreme_generator)."""
import torch

from genspec.domains import extreme_generator

g = extreme_generator("u_min", torch.float32)
print("next uniforms:", torch.rand(3, generator=g).tolist())
probs = torch.tensor([[0.0, 0.5, 0.5]])
g = extreme_generator("u_min", torch.float32)
print("multinomial picks class", torch.multinomial(probs, 1, generator=g).item(), "of probabilities", probs.tolist())
