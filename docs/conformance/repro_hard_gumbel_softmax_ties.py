"""F.gumbel_softmax(hard=True) takes its one-hot from argmax of the *rounded* soft sample.

torch computes ``index = y_soft.max(dim)[1]`` with ``y_soft = softmax((logits + g) / tau)``. In exact
arithmetic that is ``argmax(logits + g)`` (softmax and division by tau > 0 are increasing), but in
floating point ``(logits + g) / tau`` and ``exp`` round distinct values to equal ones; ``max`` then
returns the *first* of the tied entries. The hard sample is then no longer the Gumbel-max sample
``argmax(logits + g)`` that the straight-through estimator promises in its forward pass: it is
biased towards low indices. Run: ``python docs/conformance/repro_hard_gumbel_softmax_ties.py``.
"""

import torch
import torch.nn.functional as F


def hard_with_noise(logits: torch.Tensor, g: torch.Tensor, tau: float) -> torch.Tensor:
    """F.gumbel_softmax(hard=True) with its Exp(1) noise fixed to exp(-g) (so its gumbels are g)."""
    original = torch.Tensor.exponential_
    torch.Tensor.exponential_ = lambda self, *a, **k: self.copy_(torch.exp(-g))
    try:
        return F.gumbel_softmax(logits, tau=tau, hard=True)
    finally:
        torch.Tensor.exponential_ = original


# 1. One draw, fixed noise: category 1 has the larger logit and the noise is zero.
logits = torch.tensor([0.0, 1e-3])
g = torch.zeros(2)
y = hard_with_noise(logits, g, tau=1e5)
print("argmax(logits + g) =", int((logits + g).argmax()), "| F.gumbel_softmax(hard=True) one-hot =", y.tolist())
assert int((logits + g).argmax()) == 1 and y.tolist() == [1.0, 0.0]

# 2. Frequencies with torch's own noise: P(category 1) should be softmax(logits)[1] = 0.99331 at any tau.
torch.manual_seed(0)
logits = torch.tensor([0.0, 5.0]).expand(200_000, 2)
for tau in (1.0, 1e6, 1e8):
    freq = F.gumbel_softmax(logits, tau=tau, hard=True)[:, 1].mean().item()
    print(f"tau={tau:g}: frequency of category 1 = {freq:.5f} (expected 0.99331)")

# 3. How often the one-hot differs from argmax(logits + g), K = 10 categories, float32.
torch.manual_seed(1)
n, k = 1_000_000, 10
logits = torch.randn(n, k)
g = -torch.empty(n, k).exponential_().log()
for tau in (1.0, 10.0, 100.0, 1e3, 1e4):
    y_soft = ((logits + g) / tau).softmax(-1)
    wrong = (y_soft.max(-1)[1] != (logits + g).max(-1)[1]).float().mean().item()  # F's index vs Gumbel-max
    print(f"float32 tau={tau:g}: fraction of hard samples != argmax(logits + g): {wrong:.2e}")
for dtype in (torch.bfloat16, torch.float16):
    z = (logits + g).to(dtype)
    wrong = (z.softmax(-1).max(-1)[1] != z.max(-1)[1]).float().mean().item()
    print(f"{dtype} tau=1: fraction of hard samples != argmax(logits + g): {wrong:.2e}")
