"""The contract's ``AdditiveCoupling``, as FrEIA 0.2 computes it.

Maps ``FrEIA.modules.NICECouplingBlock`` onto ``AdditiveCoupling(mask, net)`` of ``spec-api.md``;
every other name of the contract is not provided. Run with
``genspec check --impl adapters.freia_coupling`` (needs ``pip install FrEIA``, extra ``peers``).

``NICECouplingBlock`` splits its input ``(N, C)`` into the first ``split_len`` channels ``x1`` and the
rest ``x2`` and applies *two* additive couplings in turn::

    y1 = x1 + F(x2)
    y2 = x2 + G(y1)

returning ``((cat(y1, y2),), j1 + j2)`` with ``j1 = j2 = 0.`` (Python floats).

Conventions translated here:

* **Two couplings, one net.** The contract's layer is a single coupling. The adapter builds the block
  with ``F`` a network that returns zeros (so ``y1 = x1 + 0 = x1``, exact up to the sign of a zero)
  and ``G`` the contract's ``net``: ``y2 = x2 + net(x1)``.
* **Mask.** FrEIA splits contiguously (first ``split_len`` channels pass). The adapter permutes the
  coordinates to ``(x[mask], x[~mask])``, calls the block with ``split_len = mask.sum()`` and
  permutes back: a gather, exact. An input whose feature size is not ``len(mask)`` is handed to
  FrEIA unpermuted, so that FrEIA's own reaction (not the adapter's gather) is what the checks see.
* **Direction.** FrEIA's ``rev=False`` is data to latent and returns ``log |det J|``; ``rev=True``
  returns that of the inverse map (``-J``): the contract's convention.
* **Batch rank.** FrEIA splits along ``dim=1``: the adapter flattens ``(*batch, D)`` to ``(N, D)``.
* **logdet type.** FrEIA 0.2 returns the log-determinant of this block as the Python float ``0.0``
  (``_BaseCouplingBlock._coupling1``'s docstring: "If the Jacobian is zero or fixed, may also return
  float"), although ``InvertibleModule.forward`` is annotated ``-> Tuple[Tuple[Tensor], Tensor]``.
  The contract asks for a tensor of shape ``batch`` and the input's dtype, so the adapter broadcasts a
  float logdet to ``full(batch, logdet)``; a tensor logdet is passed through untouched.
  ``adapters.freia_coupling_raw`` hands FrEIA's value through as is (the logdet checks then fail:
  see ``docs/conformance.md``).

Gaps (not translated): FrEIA does not check the input's feature size against ``dims_in`` (a
``torch.split`` ``RuntimeError``), nor an empty side of the partition (``split_len`` 0 or D is
accepted), nor the net's output size (a broadcasting ``RuntimeError``).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from FrEIA.modules import NICECouplingBlock  # the peer; ImportError if not installed
from torch import nn

from genspec.adapters._coupling_common import as_bool_mask, as_module, flatten_batch, unflatten_batch

__all__ = ["AdditiveCoupling"]


class _Zeros(nn.Module):
    """FrEIA's ``F``: ``(N, n_in) -> zeros (N, n_out)``, so the first coupling is the identity."""

    def __init__(self, n_out: int) -> None:
        super().__init__()
        self.n_out = n_out

    def forward(self, u: torch.Tensor) -> torch.Tensor:
        return u.new_zeros(*u.shape[:-1], self.n_out)


class AdditiveCoupling(nn.Module):
    """``y[mask] = x[mask]``, ``y[~mask] = x[~mask] + net(x[mask])``, by FrEIA.

    Arguments:
        mask: bool, shape ``(D,)``; True marks pass-through (conditioning) coordinates.
        net: maps ``(..., mask.sum())`` to ``(..., (~mask).sum())``.
    """

    raw_logdet = False  # True: return FrEIA's logdet as it comes (a Python float here)

    def __init__(self, mask: torch.Tensor, net: Callable[[torch.Tensor], torch.Tensor]) -> None:
        super().__init__()
        mask = as_bool_mask(mask)
        self.register_buffer("mask", mask.clone())
        perm = torch.cat([mask.nonzero().squeeze(-1), (~mask).nonzero().squeeze(-1)])
        self.register_buffer("perm", perm)
        self.register_buffer("unperm", torch.argsort(perm))
        self.net = as_module(net)
        n1 = int(mask.sum())
        subnets = iter([_Zeros(n1), self.net])  # FrEIA builds F (x2 -> x1) first, then G (x1 -> x2)
        self.block = NICECouplingBlock([(mask.numel(),)], subnet_constructor=lambda n_in, n_out: next(subnets),
                                       split_len=n1)

    def _call(self, x: torch.Tensor, rev: bool) -> tuple[torch.Tensor, torch.Tensor]:
        flat, batch = flatten_batch(x)
        permute = flat.shape[-1] == self.perm.numel()  # else FrEIA meets the wrong size itself
        (out,), logdet = self.block((flat[:, self.perm] if permute else flat,), rev=rev, jac=True)
        out = out[:, self.unperm] if permute else out
        if not self.raw_logdet and not isinstance(logdet, torch.Tensor):
            logdet = torch.full(flat.shape[:1], float(logdet), dtype=flat.dtype, device=flat.device)
        return unflatten_batch(out, logdet, batch)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Data to latent (``rev=False``). ``x``: ``(*batch, D)``; logdet ``(*batch,)``."""
        return self._call(x, rev=False)

    def inverse(self, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Latent to data (``rev=True``). ``y``: ``(*batch, D)``; logdet ``(*batch,)``."""
        return self._call(y, rev=True)
