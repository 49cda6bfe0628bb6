"""Fixed permutations of the coordinates, as flow layers: reverse, swap halves, random.

Between coupling layers the coordinates may be permuted so that the part that passed through
unchanged is transformed by a later layer. For a permutation p of {0, ..., D-1}:

    forward:  y = x[..., p]              (y_i = x_{p_i})
    inverse:  x = y[..., argsort(p)]     (argsort(p) is p's inverse, not p itself)
    log_det = 0                          (the Jacobian is a permutation matrix, det = ±1)

The permutation is a registered buffer, so it moves with ``.to(device)`` and is saved in the
``state_dict`` (a random permutation that is not saved is lost on reload).

``ReversePermutation``: p = (D-1, ..., 0). ``SwapHalves``: y = (x[h:], x[:h]) with h = D // 2;
for odd D this is not its own inverse. ``RandomPermutation``: p drawn once from ``generator``.

References:
    Dinh, Krueger, Bengio, "NICE", arXiv:1410.8516, section 3.2 (alternating the partition).
    Kingma, Dhariwal, "Glow", arXiv:1807.03039, section 3.2 (reverse and shuffle permutations).
    Seed 003_2bb67353180af150.txt, section flow / 交错中前进: "打乱或反转输入的各个维度的顺序，
    或者简单地直接交换这两部分的位置" and "行列式可能变为 -1，但绝对值依然为 1".
"""

from __future__ import annotations

import torch
from torch import nn

from genspec.reference.validation import MAX_SIZE, check_generator, check_tensor, expected, integer

__all__ = ["Permutation", "ReversePermutation", "SwapHalves", "RandomPermutation"]


class Permutation(nn.Module):
    """A fixed permutation of the last dimension: ``y = x[..., permutation]``, log_det = 0.

    Args:
        permutation: an int64 tensor of shape ``(D,)`` holding each of 0..D-1 once.
    """

    permutation: torch.Tensor

    def __init__(self, permutation: torch.Tensor) -> None:
        super().__init__()
        check_tensor("permutation", permutation)
        if permutation.dim() != 1 or permutation.numel() < 1:
            raise ValueError(expected("permutation", permutation, "be a 1-d tensor of at least one index",
                                      f"shape {tuple(permutation.shape)}"))
        if permutation.dtype.is_floating_point or permutation.is_complex() or permutation.dtype == torch.bool:
            raise ValueError(expected("permutation", permutation, "hold integer indices", f"dtype {permutation.dtype}"))
        perm = permutation.to(torch.int64)
        if not torch.equal(torch.sort(perm).values, torch.arange(perm.numel(), device=perm.device)):
            raise ValueError(expected("permutation", permutation, f"hold each of 0..{perm.numel() - 1} once",
                                      f"{perm.tolist()}"))
        self.register_buffer("permutation", perm.clone())

    @property
    def dim(self) -> int:
        """D, the number of coordinates."""
        return self.permutation.numel()

    def _check(self, x: torch.Tensor, name: str) -> None:
        check_tensor(name, x)
        if x.dim() < 1 or x.shape[-1] != self.dim:
            raise ValueError(expected(name, x, f"have shape (*batch, D) with D={self.dim}, the permutation's length",
                                      f"shape {tuple(x.shape)}"))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``(*batch, D) -> ((*batch, D), (*batch,))``: ``x[..., p]`` and a zero log_det."""
        self._check(x, "x")
        return x[..., self.permutation], x.new_zeros(x.shape[:-1])

    def inverse(self, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``(*batch, D) -> ((*batch, D), (*batch,))``: ``y[..., argsort(p)]`` and a zero log_det."""
        self._check(y, "y")
        return y[..., torch.argsort(self.permutation)], y.new_zeros(y.shape[:-1])

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


def _check_dim(dim: int) -> int:
    return integer("dim", dim, minimum=1, maximum=MAX_SIZE)


class ReversePermutation(Permutation):
    """Reverse the coordinates: p = (D-1, ..., 1, 0). Its own inverse."""

    def __init__(self, dim: int) -> None:
        dim = _check_dim(dim)
        super().__init__(torch.arange(dim - 1, -1, -1))


class SwapHalves(Permutation):
    """Swap the halves: y = (x[h:], x[:h]) with h = D // 2. Its own inverse only for even D."""

    def __init__(self, dim: int) -> None:
        dim = _check_dim(dim)
        h = dim // 2
        super().__init__(torch.cat([torch.arange(h, dim), torch.arange(0, h)]))


class RandomPermutation(Permutation):
    """A permutation drawn once, uniformly, with ``torch.randperm(dim, generator=generator)``."""

    def __init__(self, dim: int, *, generator: torch.Generator | None = None) -> None:
        dim = _check_dim(dim)
        check_generator(generator)
        device = generator.device if generator is not None else "cpu"
        super().__init__(torch.randperm(dim, generator=generator, device=device).cpu())
