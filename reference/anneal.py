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

from genspec.reference.validation import integer, non_negative_number, positive_number

__all__ = ["anneal_tau"]


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
    step = integer("step", step, minimum=0, maximum=None)
    every = integer("every", every, minimum=1, maximum=None)
    tau0 = positive_number("tau0", tau0)
    rate = non_negative_number("rate", rate)
    tau_min = positive_number("tau_min", tau_min)
    held_step = every * (step // every)
    try:
        decay = math.exp(-rate * held_step)
    except OverflowError:  # a step beyond the float range (a Python int is unbounded): rate * step by logs
        log_product = math.log(rate) + math.log(held_step) if rate > 0 else -math.inf
        decay = 0.0 if log_product > 700 else math.exp(-math.exp(log_product))
    return max(tau_min, tau0 * decay)
