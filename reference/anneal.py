r"""The temperature annealing schedule of Jang et al. (2017).

The temperature is recomputed every ``every`` steps from the global step and held in between::

    tau(step) = max(tau_min, tau0 * exp(-rate * every * floor(step / every)))

piecewise constant on ``[n * every, (n + 1) * every)``, non-increasing in ``step``, equal to
``max(tau_min, tau0)`` at step 0 and floored at ``tau_min``. Jang et al. use ``tau0 = 1``,
``tau_min = 0.5``, ``rate`` in {1e-5, 1e-4} and an update every N steps.

References:
    E. Jang, S. Gu, B. Poole. Categorical Reparameterization with Gumbel-Softmax. ICLR 2017,
    arXiv:1611.01144, Sec. 4.1 ("tau = max(0.5, exp(-rt)) of the global training step t, updated
    every N steps").
    Seed 000 (``000_bf33366f7638eda2.txt``), "温度退火" (decrease tau during training; the seed gives
    no schedule).
"""

from __future__ import annotations

import math
import numbers
import operator

__all__ = ["anneal_tau"]


def _index(value: object, name: str) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    try:
        return operator.index(value)  # int, numpy integers, 0-d integer tensors
    except TypeError:
        raise ValueError(f"{name} must be an integer, got {type(value).__name__} {value!r}") from None


def _positive(value: float, name: str, *, allow_zero: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a finite number, got {type(value).__name__} {value!r}")
    ok = math.isfinite(value) and (value >= 0 if allow_zero else value > 0)
    if not ok:
        raise ValueError(f"{name}={value!r} must be finite and {'>= 0' if allow_zero else '> 0'}")
    return float(value)


def anneal_tau(
    step: int,
    *,
    tau0: float = 1.0,
    rate: float = 1e-4,
    tau_min: float = 0.5,
    every: int = 1000,
) -> float:
    """The temperature at global step ``step``: ``max(tau_min, tau0 exp(-rate every floor(step / every)))``.

    Args:
        step: the global training step, an integer >= 0.
        tau0: the temperature before the first decay, > 0.
        rate: the decay rate per step, >= 0.
        tau_min: the floor, > 0.
        every: the number of steps between updates, an integer >= 1.

    Returns:
        A Python float.
    """
    step = _index(step, "step")
    every = _index(every, "every")
    if step < 0:
        raise ValueError(f"step={step} must be >= 0")
    if every < 1:
        raise ValueError(f"every={every} must be >= 1")
    tau0 = _positive(tau0, "tau0")
    rate = _positive(rate, "rate", allow_zero=True)
    tau_min = _positive(tau_min, "tau_min")
    held_step = every * (step // every)
    return max(tau_min, tau0 * math.exp(-rate * held_step))
