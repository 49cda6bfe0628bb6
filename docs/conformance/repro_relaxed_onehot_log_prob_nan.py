"""RelaxedOneHotCategorical.log_prob fails on the distribution's own float32 samples at small tau.

``RelaxedOneHotCategorical`` is ``ExpRelaxedCategorical`` pushed through ``exp``; its sample is
``exp(scores - logsumexp(scores))`` with ``scores = (logits + g) / tau``. At small tau in float32:

1. with argument validation on (torch's default), ``log_prob`` *raises* ``ValueError`` ("not within
   the support (Simplex())") on some of its own samples: the rounding of ``logsumexp`` of scores of
   size ``|g| / tau`` makes the sample's sum miss 1 by more than the ``Simplex`` constraint's 1e-6;
2. with ``validate_args=False``, samples whose small coordinates underflowed to exact zeros give
   ``log(0) = -inf``, then ``score = logits - (-inf) * tau = +inf`` and ``score - logsumexp(score)``
   is ``inf - inf = NaN``.

Both are roundings of an interior point onto (or past) the boundary of the simplex, where the
Concrete density is not defined. ``ExpRelaxedCategorical`` (log-space samples and densities) keeps
every own sample finite. Run: ``python docs/conformance/repro_relaxed_onehot_log_prob_nan.py``.
"""

import torch
from torch.distributions import RelaxedOneHotCategorical, constraints
from torch.distributions.relaxed_categorical import ExpRelaxedCategorical

# The smallest case, one draw: the sample holds exact zeros and log_prob is NaN.
torch.manual_seed(0)
d = RelaxedOneHotCategorical(torch.tensor(0.01), logits=torch.zeros(3), validate_args=False)
y = d.sample()
print("tau=0.01, K=3: sample", y.tolist(), "-> log_prob", d.log_prob(y).item())

# With validation on (the default), log_prob raises on the distribution's own sample.
torch.manual_seed(0)
d = RelaxedOneHotCategorical(torch.tensor(0.1), logits=torch.zeros(5))
y = d.sample((100_000,))
bad = ~constraints.simplex.check(y)
print(f"tau=0.1, K=5: {int(bad.sum())} of 100000 own samples fail torch's Simplex check "
      f"(largest |sum - 1| = {(y.sum(-1) - 1).abs().max().item():.2e})")
try:
    d.log_prob(y[bad][:1])
except ValueError as e:
    print("  log_prob(own sample) raised ValueError:", str(e).splitlines()[0][:100], "...")

print("rates over 100000 own samples, K = 5, logits = 0, validate_args=False:")
for dtype in (torch.float32, torch.float64):
    for tau in (1.0, 0.5, 0.1, 0.05, 0.01):
        torch.manual_seed(1)
        d = RelaxedOneHotCategorical(torch.tensor(tau, dtype=dtype), logits=torch.zeros(5, dtype=dtype),
                                     validate_args=False)
        y = d.sample((100_000,))
        lp = d.log_prob(y)
        print(f"  {str(dtype):14} tau={tau:<5}: exact zeros in {(y == 0).any(-1).float().mean().item():.4f}, "
              f"outside Simplex() {(~constraints.simplex.check(y)).float().mean().item():.4f}, "
              f"log_prob NaN {lp.isnan().float().mean().item():.4f}, inf {lp.isinf().float().mean().item():.4f}")

# The same draws in log space are fine.
torch.manual_seed(1)
e = ExpRelaxedCategorical(torch.tensor(0.01), logits=torch.zeros(5))
x = e.sample((100_000,))
print("ExpRelaxedCategorical tau=0.01: log_prob finite on all own samples:", bool(e.log_prob(x).isfinite().all()))
