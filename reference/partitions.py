"""The interleaved (even/odd) partition of the coordinates used by NICE's coupling layers.

A coupling layer splits x of length D into a part x1 that passes through unchanged and
conditions the shift, and a part x2 that is shifted. NICE uses the interleaved partition:

    mask[i] = (i % 2 == 0)      (odd=False: x1 = x[0::2], x2 = x[1::2])
    mask[i] = (i % 2 == 1)      (odd=True:  x1 = x[1::2], x2 = x[0::2])

and alternates the two from one coupling layer to the next, so that every coordinate is
shifted by some layer. For odd D the even side has one coordinate more than the odd side.

References:
    Dinh, Krueger, Bengio, "NICE: Non-linear Independent Components Estimation",
    arXiv:1410.8516, section 3.2 and appendix (MNIST model).
    Seed 003_2bb67353180af150.txt, section 实验 / 模型细节: "NICE 采用交错分区，即下标为偶数的
    作为第一部分，下标为奇数的作为第二部分" (even indices are the first part, odd the second).
"""

from __future__ import annotations

import torch

from genspec.reference.validation import MAX_SIZE, check_device, check_flag, integer

__all__ = ["interleaved_mask"]


def interleaved_mask(dim: int, *, odd: bool = False, device: torch.device | str | None = None) -> torch.Tensor:
    """The bool mask of the interleaved partition of ``dim`` coordinates.

    Args:
        dim: D, the number of coordinates; at least 2, so that both sides are non-empty.
        odd: a bool: False marks the even indices (0, 2, ...) True, True marks the odd ones.
        device: where the mask lives.

    Returns:
        A bool tensor of shape ``(D,)``; True where ``i % 2 == int(odd)``.
    """
    dim = integer("dim", dim, minimum=2, maximum=MAX_SIZE)  # both sides of the partition non-empty
    check_flag("odd", odd)
    device = check_device("device", device)
    return torch.arange(dim, device=device) % 2 == int(odd)
