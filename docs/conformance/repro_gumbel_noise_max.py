"""The largest Gumbel(0, 1) value torch's float32 samplers can produce.

A standard Gumbel has P(G > x) = 1 - exp(-exp(-x)) ~ exp(-x): the mass above 16 is 1.1e-7, above 20
it is 2.1e-9. A sampler built on a float32 uniform ``u`` (24 random bits, ``u <= 1 - 2**-24``) cannot
go above ``-log(-log(1 - 2**-24)) = 16.64``; clamping ``u`` lower makes it worse. This script
computes each path's ceiling from its arithmetic (exactly the code torch runs, on the extreme
uniform) and checks it against 10**8 draws. Run: ``python docs/conformance/repro_gumbel_noise_max.py``
(about 10 s on one core).
"""

import math

import torch
from torch.distributions import Gumbel

f32, f64 = torch.float32, torch.float64
u_max32 = torch.tensor(1 - 2**-24, dtype=f32)  # largest torch.rand float32 value
u_max64 = torch.tensor(1 - 2**-53, dtype=f64)  # largest torch.rand float64 value


def tail(x: float) -> float:
    return -math.expm1(-math.exp(-x))


rows = []
# 1. torch.distributions.Gumbel: Uniform(tiny, 1 - eps) base, then -log(-log u). rsample == icdf(rand).
for dtype, u in ((f32, u_max32), (f64, u_max64)):
    g = Gumbel(torch.zeros((), dtype=dtype), torch.ones((), dtype=dtype))
    rows.append((f"torch.distributions.Gumbel {dtype}", g.icdf(u).item()))
# 2. The textbook -log(-log(torch.rand())) in float32 / float64.
rows.append(("-log(-log(torch.rand())) float32", (-torch.log(-torch.log(u_max32))).item()))
rows.append(("-log(-log(torch.rand())) float64", (-torch.log(-torch.log(u_max64))).item()))
# 3. F.gumbel_softmax: -log(E), E = exponential_(). CPU kernel: E = -log1p(-u) with a 53-bit double u,
#    then cast; smallest positive E = 2**-53 (u = 0 gives E = 0 and g = +inf, probability 2**-53).
rows.append(("F.gumbel_softmax noise, CPU, float32", -math.log(float(torch.tensor(2**-53, dtype=f32)))))
#    CUDA kernel (float32): log(u) of a curand float u in (0, 1], replaced by -eps/2 when u >= 1 - eps/2,
#    so E >= 2**-24 and g <= 24 log 2.
rows.append(("F.gumbel_softmax noise, CUDA, float32", -math.log(2**-24)))

print(f"{'sampler':45} {'largest value':>14} {'P(G > it)':>11}")
for name, top in rows:
    print(f"{name:45} {top:14.4f} {tail(top):11.2e}")

# Empirical: 10**8 float32 draws of each CPU path (expected maximum of 1e8 true Gumbels ~ 19.0).
gen = torch.Generator().manual_seed(0)
g = Gumbel(torch.zeros((), dtype=f32), torch.ones((), dtype=f32))
m_dist = m_exp = -math.inf
for _ in range(10):
    m_dist = max(m_dist, g.icdf(torch.rand(10**7, generator=gen)).max().item())
    m_exp = max(m_exp, (-torch.empty(10**7).exponential_(generator=gen).log()).max().item())
print(f"max of 1e8 draws: torch.distributions.Gumbel float32 {m_dist:.4f}; F.gumbel_softmax CPU noise {m_exp:.4f}")
print(f"P(max of 1e8 true Gumbel draws <= 15.54) = {math.exp(-1e8 * tail(15.5369)):.1e}")
