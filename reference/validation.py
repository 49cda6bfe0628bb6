r"""Argument validation for the reference (and genspec's models): one module, one message style.

Every check raises with a message of one form, that of ``torch.distributions``: the argument's name,
what was passed, the constraint and the offending value::

    Expected <name> (<what was passed>) to <constraint>, but found <offending value>

for example::

    ValueError: Expected logvar (Tensor of shape (2, 3)) to be finite, but found nan at index (1, 0)
    ValueError: Expected tau (float) to be a positive finite number, but found -1.0
    TypeError: Expected generator (int) to be a torch.Generator or None, but found 3

Which exception (``docs/spec-api.md``, "Errors"):

* ``TypeError``: an argument that must be an object of some type is not one: a tensor argument that
  is not a ``torch.Tensor``, a ``generator`` that is not a ``torch.Generator`` (None is allowed where
  the signature says so), a ``dtype`` that is not a ``torch.dtype``, a function or a layer that is not
  callable or lacks the interface it needs.
* ``ValueError``: everything else. A tensor of the right type with a bad value, dtype or shape (NaN,
  ±inf where not allowed, a value out of range, an integer or bool tensor where a floating tensor is
  needed, shapes that do not fit); and every option (a number, a count, a flag, a choice) that is not
  an allowed value, whatever its type: a bool, None, a string, a complex number, an int beyond the
  float (or int64) range (the contract's wording: "an option that is not a real number").

These functions are building blocks of the reference, public so that genspec's models and the bug
catalogue reuse them; they are not part of the implementation contract.
"""

from __future__ import annotations

import math
import numbers
import operator
from collections.abc import Sequence

import torch
from torch import Tensor

__all__ = [
    "INT64_MAX", "MAX_SIZE", "as_shape", "broadcast_shape", "check_callable", "check_choice", "check_device",
    "check_dtype", "check_event", "check_event_sizes", "check_finite", "check_flag", "check_floating",
    "check_generator", "check_interval", "check_logits", "check_no_nan", "check_tau", "check_tau_shape",
    "check_tensor", "describe", "expected", "first_index", "integer", "non_negative_number", "number_in",
    "positive_number", "real_number",
]

INT64_MAX = torch.iinfo(torch.int64).max
"""The largest count (a number of draws, a step) torch can hold: 2**63 - 1."""
MAX_SIZE = torch.iinfo(torch.int32).max
"""The largest size of one dimension of a layer, mask or permutation the flows accept: 2**31 - 1
(a larger one could never be allocated on one device; the check says so before torch fails)."""


# ------------------------------------------------------------------ the message


def describe(value: object) -> str:
    """What was passed, in brief: ``Tensor of shape (2, 3)`` (with its dtype unless floating), or the type name."""
    if isinstance(value, Tensor):
        text = f"Tensor of shape {tuple(value.shape)}"
        return text if value.is_floating_point() else f"{text} and dtype {value.dtype}"
    return type(value).__name__


def _brief(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:40]}... ({len(text)} characters)"


def expected(name: str, value: object, constraint: str, found: str | None = None) -> str:
    """``Expected <name> (<describe(value)>) to <constraint>, but found <found>`` (default: the value's repr)."""
    return f"Expected {name} ({describe(value)}) to {constraint}, but found {_brief(value) if found is None else found}"


def first_index(mask: Tensor) -> tuple[int, ...]:
    """The index of the first True entry of a bool tensor with at least one."""
    return tuple(int(i) for i in torch.nonzero(mask)[0])


# ------------------------------------------------------------------ tensors


def check_tensor(name: str, value: object) -> Tensor:
    """``value`` if it is a ``torch.Tensor``; otherwise TypeError naming ``name``."""
    if not isinstance(value, Tensor):
        raise TypeError(expected(name, value, "be a torch.Tensor"))
    return value


def check_floating(name: str, value: object) -> Tensor:
    """``value`` if it is a floating-point tensor: TypeError for a non-tensor, ValueError for another dtype."""
    check_tensor(name, value)
    assert isinstance(value, Tensor)
    if not value.is_floating_point():
        raise ValueError(expected(name, value, "have a floating-point dtype", f"dtype {value.dtype}"))
    return value


def check_no_nan(name: str, value: Tensor) -> None:
    """ValueError naming ``name`` if ``value`` holds NaN."""
    nan = torch.isnan(value)
    if bool(nan.any()):
        raise ValueError(expected(name, value, "not contain NaN",
                                  f"nan at index {first_index(nan)} ({int(nan.sum())} of {value.numel()} entries)"))


def check_finite(name: str, value: Tensor) -> None:
    """ValueError naming ``name`` if ``value`` holds NaN or ±inf (one reduction in the common case)."""
    if bool(torch.isfinite(value).all()):
        return
    bad = ~torch.isfinite(value)
    first = first_index(bad)
    raise ValueError(expected(name, value, "be finite",
                              f"{float(value[first])} at index {first} ({int(bad.sum())} of {value.numel()} entries)"))


def check_interval(name: str, value: Tensor, low: float, high: float) -> None:
    """ValueError naming ``name`` if an entry of ``value`` is NaN or outside ``[low, high]``."""
    outside = torch.isnan(value) | (value < low) | (value > high)
    if bool(outside.any()):
        first = first_index(outside)
        raise ValueError(expected(name, value, f"lie in [{low}, {high}]", f"{float(value[first])} at index {first}"))


def check_event(name: str, value: Tensor) -> None:
    """ValueError naming ``name`` for a 0-d tensor: the shape must be ``(*batch, K)``."""
    if value.dim() < 1:
        raise ValueError(expected(name, value, "have an event (last) dimension, shape (*batch, K)", "a 0-d tensor"))


def check_event_sizes(**named: Tensor) -> None:
    """ValueError naming the first argument whose last dimension differs from the first argument's."""
    (first, value), *rest = named.items()
    size = value.shape[-1]
    for name, other in rest:
        if other.shape[-1] != size:
            raise ValueError(expected(name, other, f"have the event (last) dimension K={size} of {first} (only "
                                      f"batch dimensions broadcast)", f"{other.shape[-1]}"))


def broadcast_shape(**named: Tensor) -> torch.Size:
    """The broadcast shape of the named tensors; ValueError naming the first that does not fit the others."""
    try:
        return torch.broadcast_shapes(*(t.shape for t in named.values()))
    except RuntimeError:
        pass
    (first, value), *rest = named.items()
    shape = value.shape
    for name, other in rest:
        try:
            shape = torch.broadcast_shapes(shape, other.shape)
        except RuntimeError:
            raise ValueError(expected(name, other, f"broadcast with {first}.shape={tuple(value.shape)}",
                                      f"shape {tuple(other.shape)}")) from None
    raise AssertionError("unreachable: the shapes broadcast pairwise but not together")


# ------------------------------------------------------------------ numbers and options


def real_number(name: str, value: object, *, or_tensor: bool = False) -> float:
    """``float(value)`` for a real number (int or float, not bool); otherwise ValueError naming ``name``
    (``or_tensor``: the message says that a floating tensor would do too)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        also = " or a floating tensor" if or_tensor else ""
        raise ValueError(expected(name, value, f"be a real number (an int or a float, not a bool){also}"))
    try:
        return float(value)
    except OverflowError:  # an int beyond the float range
        raise ValueError(expected(name, value, "be within the floating-point range")) from None


def positive_number(name: str, value: object) -> float:
    """``float(value)`` for a positive finite real number; otherwise ValueError naming ``name``."""
    number = real_number(name, value)
    if not (math.isfinite(number) and number > 0):
        raise ValueError(expected(name, value, "be a positive finite number"))
    return number


def non_negative_number(name: str, value: object) -> float:
    """``float(value)`` for a finite real number ``>= 0``; otherwise ValueError naming ``name``."""
    number = real_number(name, value)
    if not (math.isfinite(number) and number >= 0):
        raise ValueError(expected(name, value, "be a non-negative finite number"))
    return number


def number_in(name: str, value: object, low: float, high: float, *, open: bool = False) -> float:
    """``float(value)`` for a real number in ``[low, high]`` (``(low, high)`` if ``open``); otherwise ValueError."""
    number = real_number(name, value)
    inside = low < number < high if open else low <= number <= high  # False for NaN
    if not inside:
        interval = f"({low}, {high})" if open else f"[{low}, {high}]"
        raise ValueError(expected(name, value, f"lie in {interval}"))
    return number


def integer(name: str, value: object, *, minimum: int | None = None, maximum: int | None = INT64_MAX) -> int:
    """``value`` as an int within ``[minimum, maximum]``; otherwise ValueError naming ``name``.

    An integer is what ``operator.index`` takes (an int, a numpy integer, a 0-d integer tensor: a
    training loop's counters are often one of these), never a bool or a tensor with dimensions.
    ``maximum=None``: no upper bound.
    """
    if isinstance(value, bool) or (isinstance(value, Tensor) and value.dtype == torch.bool):
        raise ValueError(expected(name, value, "be an integer, not a bool"))
    if isinstance(value, Tensor) and value.dim() != 0:
        raise ValueError(expected(name, value, "be an integer (a 0-d tensor at most)"))
    try:
        number = operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise ValueError(expected(name, value, "be an integer")) from None
    if minimum is not None and number < minimum:
        raise ValueError(expected(name, value, f"be an integer >= {minimum}"))
    if maximum is not None and number > maximum:
        raise ValueError(expected(name, value, f"be an integer <= {maximum}"))
    return number


def check_flag(name: str, value: object) -> bool:
    """``value`` if it is a bool; otherwise ValueError naming ``name``."""
    if not isinstance(value, bool):
        raise ValueError(expected(name, value, "be a bool (True or False)"))
    return value


def check_choice(name: str, value: object, choices: Sequence[object]) -> None:
    """ValueError naming ``name`` unless ``value`` is one of ``choices``."""
    if not any(type(value) is type(c) and value == c for c in choices):
        raise ValueError(expected(name, value, f"be one of {tuple(choices)}"))


# ------------------------------------------------------------------ objects


def check_generator(value: object, name: str = "generator") -> torch.Generator | None:
    """``value`` if it is a ``torch.Generator`` or None; otherwise TypeError naming ``generator``."""
    if value is not None and not isinstance(value, torch.Generator):
        raise TypeError(expected(name, value, "be a torch.Generator or None"))
    return value


def check_dtype(name: str, value: object, *, floating: bool = True) -> torch.dtype | None:
    """``value`` if it is None or a (floating, if asked) ``torch.dtype``: TypeError for another type,
    ValueError for a non-floating dtype where a floating one is needed."""
    if value is None:
        return None
    if not isinstance(value, torch.dtype):
        raise TypeError(expected(name, value, "be a torch.dtype or None"))
    if floating and not value.is_floating_point:
        raise ValueError(expected(name, value, "be a floating-point dtype"))
    return value


def check_device(name: str, value: object) -> torch.device | None:
    """``torch.device(value)`` for None, a ``torch.device``, a device string or index: TypeError for
    another type, ValueError for a string that names no device."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, torch.device)):
        raise TypeError(expected(name, value, "be a torch.device, a device string or None"))
    try:
        return torch.device(value)
    except (RuntimeError, ValueError):
        raise ValueError(expected(name, value, "name a device, such as 'cpu' or 'cuda:0'")) from None


def check_callable(name: str, value: object) -> None:
    """TypeError naming ``name`` unless ``value`` is callable."""
    if not callable(value):
        raise TypeError(expected(name, value, "be callable"))


def as_shape(shape: object, name: str = "shape") -> torch.Size:
    """``torch.Size`` of an int or a sequence of ints (not bools), each in ``[0, INT64_MAX]``; otherwise
    ValueError naming ``shape``."""
    sides = (shape,) if isinstance(shape, int) else shape
    if isinstance(sides, (str, bytes)) or not isinstance(sides, Sequence):
        raise ValueError(expected(name, shape, "be an int or a sequence of ints"))
    for side in sides:
        if isinstance(side, bool) or not isinstance(side, numbers.Integral):
            raise ValueError(expected(name, shape, "be an int or a sequence of ints"))
        if not 0 <= side <= INT64_MAX:
            raise ValueError(expected(name, shape, f"have sides in [0, {INT64_MAX}]"))
    return torch.Size(int(s) for s in sides)


# ------------------------------------------------------------------ Gumbel arguments


def check_logits(logits: object, *, name: str = "logits", allow_neg_inf: bool = True) -> bool:
    """Logits ``(*batch, K)``, K >= 1, floating: TypeError for a non-tensor, ValueError naming ``name``
    for another dtype, a 0-d tensor, NaN, +inf, -inf (unless ``allow_neg_inf``) or a row whose K
    entries are all -inf. Returns whether every entry is finite."""
    check_floating(name, logits)
    assert isinstance(logits, Tensor)
    if logits.dim() == 0 or logits.shape[-1] == 0:
        raise ValueError(expected(name, logits, "have shape (*batch, K) with K >= 1"))
    if bool(torch.isfinite(logits).all()):  # the common case, in one pass
        return True
    check_no_nan(name, logits)
    if bool(torch.isposinf(logits).any()):
        first = first_index(torch.isposinf(logits))
        raise ValueError(expected(name, logits, "not contain +inf", f"+inf at index {first}"))
    neg_inf = torch.isneginf(logits)
    if not allow_neg_inf:
        raise ValueError(expected(name, logits, "be finite", f"-inf at index {first_index(neg_inf)}"))
    rows = neg_inf.all(dim=-1)
    if logits.numel() and bool(rows.any()):
        raise ValueError(expected(name, logits, "have a finite entry in every row (a class that can be drawn)",
                                  f"a row of -inf at batch index {first_index(rows)}"))
    return False


def check_tau(tau: object) -> None:
    """ValueError naming ``tau`` unless it is a positive finite real number or a non-empty floating
    tensor of them."""
    if isinstance(tau, Tensor):
        if not tau.is_floating_point():
            raise ValueError(expected("tau", tau, "have a floating-point dtype", f"dtype {tau.dtype}"))
        if tau.numel() == 0:
            raise ValueError(expected("tau", tau, "hold at least one temperature", "no entry"))
        bad = ~(torch.isfinite(tau) & (tau > 0))
        if bool(bad.any()):
            first = first_index(bad) if tau.dim() else ()
            raise ValueError(expected("tau", tau, "be positive and finite", f"{float(tau[first])} at index {first}"))
        return
    real_number("tau", tau, or_tensor=True)
    positive_number("tau", tau)


def check_tau_shape(tau: float | Tensor, shape: Sequence[int]) -> None:
    """The one rule for a tensor ``tau`` against samples of ``shape = (*batch, K)``: 0-d, or a last
    dimension of 1 and broadcastable to ``(*batch, 1)`` without adding a batch dimension. ValueError
    naming ``tau`` otherwise (a tau of shape ``(K,)``, ``(*batch, K)`` or ``(*batch,)`` would apply per
    class). A number passes."""
    if not isinstance(tau, Tensor) or tau.dim() == 0:
        return
    target = torch.Size((*shape[:-1], 1))
    try:
        fits = tau.shape[-1] == 1 and torch.broadcast_shapes(tau.shape, target) == target
    except RuntimeError:
        fits = False
    if not fits:
        raise ValueError(expected("tau", tau, f"be a number or broadcastable to (*batch, 1) = {tuple(target)}",
                                  f"shape {tuple(tau.shape)}"))
