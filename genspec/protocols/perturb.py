r"""Perturb a module's parameters away from their initialisation, keeping it well conditioned.

Flow libraries initialise many layers to the identity (a zero last layer in a coupling net, a zero
``log_scale``, an ActNorm waiting for data): at the identity, a sign error, a swapped direction or a
log-determinant of the wrong map can all give the right answer. Before a protocol check judges an
``nn.Module`` it adds noise from a generator to every floating-point parameter,

    p <- p + c · sigma_p · eps,   eps ~ N(0, I),
    sigma_p = MATRIX_NOISE / sqrt(fan_in)   for a parameter of rank >= 2 (fan_in = its trailing size),
    sigma_p = VECTOR_NOISE                  for a vector or a scalar,

with c = 1, halved (the same eps) until the flow is well conditioned on probe points: ``forward``
and ``inverse`` finite, ``|logdet| <= LOGDET_PER_DIM · D`` and outputs at most ``MAX_OUTPUT`` in
size (at most ``HALVINGS`` times; then c = 0, the flow as the factory built it). The noise is drawn
in float64 and cast to each parameter's dtype, so the same generator state gives a float32 copy
the same perturbation up to rounding. Buffers (masks, permutations) are never touched.

References: STYLE.md ("several flow libraries test with identity-initialised layers, which hides
sign bugs"); Kingma & Dhariwal, Glow, arXiv:1807.03039 §3.1 (data-dependent ActNorm) and the zero
initialisation of the last coupling layer.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import torch
from torch import nn

__all__ = ["HALVINGS", "LOGDET_PER_DIM", "MATRIX_NOISE", "MAX_OUTPUT", "VECTOR_NOISE", "perturb_"]

MATRIX_NOISE: float = 0.5
"""Noise of a weight matrix, in units of 1/sqrt(fan_in): a layer's output moves by O(0.5)."""
VECTOR_NOISE: float = 0.3
"""Noise of a bias, a log-scale, a scalar: e^0.3 = 1.35, scales visibly away from 1."""
LOGDET_PER_DIM: float = 3.0
"""Well conditioned: |log det| <= 3 per coordinate, i.e. volumes change by at most e^3 per axis."""
MAX_OUTPUT: float = 1e3
"""Well conditioned: no output coordinate beyond 1e3 for probe inputs of size O(1)."""
HALVINGS: int = 4


def _noise_scale(p: torch.Tensor) -> float:
    if p.dim() >= 2:
        fan_in = p.numel() // max(1, p.shape[0])  # a zero-size first dimension has no row to count
        return MATRIX_NOISE / math.sqrt(max(1, fan_in))
    return VECTOR_NOISE


def _well_conditioned(probe: Callable[[], tuple[torch.Tensor, ...]], dim: int) -> bool:
    try:
        with torch.no_grad():
            outputs = probe()
    except Exception:
        return False
    try:  # a float log-determinant is judged by the shape checks, not here
        z, logdet, x_back = (torch.as_tensor(t, dtype=torch.float64) for t in outputs)
    except (TypeError, ValueError, RuntimeError):
        return False
    for t in (z, logdet, x_back):
        if not bool(torch.isfinite(t).all()):
            return False
    return bool(z.abs().max() <= MAX_OUTPUT) and bool(logdet.abs().max() <= LOGDET_PER_DIM * max(dim, 1))


def perturb_(module: Any, generator: torch.Generator, *,
             probe: Callable[[], tuple[torch.Tensor, ...]] | None = None, dim: int = 1) -> dict[str, Any]:
    """Add generator noise to every trainable floating parameter of ``module`` (in place); return the evidence.

    Args:
        module: the object under test; anything but an ``nn.Module`` is left alone.
        generator: the source of the noise eps.
        probe: ``() -> (z, logdet, inverse(z))`` on fixed probe points; the noise is halved until
            these are finite and of moderate size (see the module docstring). None: no probe.
        dim: D, the number of coordinates (the log-determinant bound is per coordinate).

    Returns:
        ``{"perturbed": bool, "noise_factor": c, "parameters": count}`` (and ``"reason"`` when not).
    """
    if not isinstance(module, nn.Module):
        return {"perturbed": False, "reason": f"{type(module).__name__} is not an nn.Module"}
    # Frozen parameters (requires_grad=False: a fixed permutation or mask stored as a parameter) are
    # structure, not weights: noise there would break the layer, not test it.
    params = [p for p in module.parameters() if p.dtype.is_floating_point and p.requires_grad and p.numel() > 0]
    if not params:
        return {"perturbed": False, "reason": "no trainable floating-point parameters", "parameters": 0}
    original = [p.detach().clone() for p in params]
    steps = [torch.randn(p.shape, generator=generator, dtype=torch.float64) * _noise_scale(p) for p in params]
    factor = 1.0
    for _ in range(HALVINGS + 1):
        with torch.no_grad():
            for p, p0, step in zip(params, original, steps):
                p.copy_(p0 + (factor * step).to(device=p.device, dtype=p.dtype))
        if probe is None or _well_conditioned(probe, dim):
            return {"perturbed": True, "noise_factor": factor, "parameters": len(params)}
        factor /= 2
    with torch.no_grad():
        for p, p0 in zip(params, original):
            p.copy_(p0)
    return {"perturbed": False, "noise_factor": 0.0, "parameters": len(params),
            "reason": f"not well conditioned with the noise halved {HALVINGS} times: judged as built"}
