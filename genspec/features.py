"""Optional features of the contract (``docs/spec-api.md``, "Optional features") and how an
implementation says which it has.

A feature is behaviour beyond the core contract: a tensor-valued temperature, noise with extra
sample dimensions, −inf logits, the attributes of ``NICE`` the checks read. A check that needs one
carries ``pytest.mark.feature(NAME)``; when the implementation lacks it, the check is *not provided
(feature NAME)*: counted and listed, never failed. A check of the core contract is never optional.

An implementation declares its features with a module-level ``GENSPEC_FEATURES`` (a set of names) and
is then judged on exactly those. Without the declaration, each feature is detected by a conservative
probe: a minimal call that must succeed and be consistent with the core contract (a tensor tau must
give each row what its scalar tau gives). A probe that raises or disagrees, or a name it needs that
the implementation lacks, means the feature is absent. Declaring is the way to be judged on a
feature: an undeclared implementation whose feature is broken in a way the probe sees gets *not
provided*, not *failed*.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from types import ModuleType
from typing import Any

FEATURES: dict[str, str] = {
    "tensor_tau": "gumbel_softmax and concrete_log_prob take a tensor tau broadcastable to (*batch, 1), "
                  "one temperature per row",
    "eps_sample_dims": "reparameterize takes eps with extra leading sample dimensions, (L, *batch, K)",
    "neg_inf_logits": "gumbel_max, gumbel_softmax and concrete_log_prob take -inf logits (never drawn)",
    "nice_internals": "NICE exposes couplings (a FlowSequential), scaling (its Scaling) and prior_log_prob(z)",
}
"""Every optional behavioural feature, with what it means."""


def _probe_tensor_tau(m: Any) -> None:
    """A tensor tau of shape (2, 1) must give each row what its own scalar tau gives. The probe asks
    for per-row agreement only, not for correct values: an implementation that merely broadcasts a
    tensor tau somewhere else is taken as not having the feature (declare it to be judged on it)."""
    import torch

    logits = torch.tensor([[0.3, -0.2, 1.0], [-1.0, 0.5, 0.0]], dtype=torch.float64)
    gumbels = torch.tensor([[0.1, 0.7, -0.4], [0.2, -0.3, 0.9]], dtype=torch.float64)
    y = torch.tensor([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]], dtype=torch.float64)
    taus = (0.5, 2.0)
    tau = torch.tensor([[taus[0]], [taus[1]]], dtype=torch.float64)
    soft = m.gumbel_softmax(logits, tau, gumbels=gumbels)
    density = m.concrete_log_prob(y, logits, tau)
    for i, t in enumerate(taus):
        row_soft = m.gumbel_softmax(logits[i], t, gumbels=gumbels[i])
        row_density = m.concrete_log_prob(y[i], logits[i], t)
        if tuple(soft.shape) != (2, 3) or not torch.allclose(soft[i], row_soft):
            raise ValueError("gumbel_softmax with a tensor tau differs from its per-row scalar calls")
        if tuple(density.shape) != (2,) or not torch.allclose(density[i], row_density):
            raise ValueError("concrete_log_prob with a tensor tau differs from its per-row scalar calls")


def _probe_eps_sample_dims(m: Any) -> None:
    import torch

    mu = torch.zeros(4, 2, dtype=torch.float64)
    out = m.reparameterize(mu, torch.zeros_like(mu), torch.zeros(3, 4, 2, dtype=torch.float64))
    if tuple(out.shape) != (3, 4, 2):
        raise ValueError(f"shape {tuple(out.shape)}")


def _probe_neg_inf_logits(m: Any) -> None:
    import torch

    logits = torch.tensor([[0.0, -math.inf, 1.0]], dtype=torch.float64)
    m.gumbel_softmax(logits, 1.0, gumbels=torch.zeros_like(logits))


def _probe_nice_internals(m: Any) -> None:
    model = m.NICE(4, couplings=2, hidden=4, depth=1)
    for name in ("couplings", "scaling", "prior_log_prob"):
        getattr(model, name)


PROBES: dict[str, Callable[[Any], None]] = {
    "tensor_tau": _probe_tensor_tau,
    "eps_sample_dims": _probe_eps_sample_dims,
    "neg_inf_logits": _probe_neg_inf_logits,
    "nice_internals": _probe_nice_internals,
}


def supported(module: ModuleType) -> dict[str, bool]:
    """Per feature, whether ``module`` has it (its ``GENSPEC_FEATURES`` if declared, else the probe)."""
    declared = getattr(module, "GENSPEC_FEATURES", None)
    if declared is not None:
        unknown = set(declared) - set(FEATURES)
        if unknown:
            raise ValueError(f"GENSPEC_FEATURES names unknown features {sorted(unknown)}; known: {sorted(FEATURES)}")
        return {name: name in declared for name in FEATURES}
    result = {}
    for name, probe in PROBES.items():
        try:
            probe(module)
            result[name] = True
        except Exception:  # noqa: BLE001 - any failure of the minimal call means: not supported
            result[name] = False
    return result
