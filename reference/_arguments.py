"""Validation of plain-number arguments, shared by the reference functions and the models.

A hyper-parameter such as a noise level, a masking fraction or a penalty weight must be a real
number: ``bool`` is rejected although ``float(True)`` is 1.0, and so are ``None``, strings and
complex numbers, each with a ``ValueError`` naming the argument rather than a ``TypeError`` from
deep inside torch.
"""

from __future__ import annotations

import numbers

__all__ = ["real_number"]


def real_number(name: str, value: object) -> float:
    """``float(value)`` for a real number (int or float, not bool); otherwise ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name}={value!r} ({type(value).__name__}), but should be a real number")
    try:
        return float(value)
    except OverflowError:  # an int beyond the float range
        raise ValueError(f"{name}={value!r}, but should be within the floating-point range") from None
