"""anneal_tau compounds the decay: each update multiplies the *current* tau by exp(-rate t).

The schedule of Jang et al. is ``max(tau_min, tau0 exp(-rate t))``. Code that writes
``tau = max(tau * exp(-rate * t), tau_min)`` at every update multiplies the factors of all updates
so far: after n updates of ``every`` steps, ``tau0 exp(-rate every n (n + 1) / 2)``. The first update
is right; every later one decays too fast.
"""

from __future__ import annotations

import math

from genspec.reference import *  # noqa: F401,F403

AREA = "gumbel"
TIER = "law"
CAUGHT_BY = "properties/test_anneal.py::test_matches_a_table_walked_step_by_step"
SOURCE = ("code listings temp = np.maximum(temp * np.exp(-ANNEAL_RATE * batch_idx), temp_min) in "
          "dev4488/VAE_gumble_softmax (vae_gumbel_softmax.py, every 100 batches) and "
          "YongfeiYan/Gumbel_Softmax_VAE (gumbel_softmax_vae.py); EderSantana/gumbel after its #2 "
          "(tau * np.exp(-anneal_rate * e) once per epoch)")


def anneal_tau(step: int, *, tau0: float = 1.0, rate: float = 1e-4, tau_min: float = 0.5, every: int = 1000) -> float:
    if step < 0 or every < 1 or not (tau0 > 0 and math.isfinite(tau0)) or not (tau_min > 0 and math.isfinite(tau_min)) \
            or not (rate >= 0 and math.isfinite(rate)):
        raise ValueError(f"bad schedule: step={step}, every={every}, tau0={tau0}, tau_min={tau_min}, rate={rate}")
    tau = tau0
    for n in range(1, step // every + 1):
        tau = max(tau * math.exp(-rate * every * n), tau_min)  # BUG: multiplies the current tau
    return tau
