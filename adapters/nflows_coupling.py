"""The contract's ``AdditiveCoupling``, as nflows 0.14 computes it.

Maps ``nflows.transforms.coupling.AdditiveCouplingTransform`` onto ``AdditiveCoupling(mask, net)`` of
``spec-api.md``; every other name of the contract is not provided. Run with
``genspec check --impl adapters.nflows_coupling`` (needs ``pip install nflows``, extra ``peers``).

Conventions translated here:

* **Mask sign.** nflows transforms the coordinates where ``mask > 0`` and passes through those where
  ``mask <= 0``; the contract's ``True`` marks the pass-through (conditioning) ones. The adapter gives
  nflows ``where(mask, -1, 1)``.
* **Direction.** nflows' ``forward`` maps data to noise (``Flow.log_prob`` calls ``transform(x)``) and
  returns ``log |det J|`` of the map applied; ``inverse`` returns that of the inverse map. That is the
  contract's convention, so ``forward``/``inverse`` map one to one.
* **Net signature.** nflows calls ``transform_net(identity_split, context)``; the contract's ``net``
  takes one argument, so the adapter drops ``context`` (always ``None`` here). nflows asks for a net
  ``(num_identity, num_transform * 1)``: the contract's shapes exactly.
* **Batch rank.** nflows accepts ``(N, D)`` (or images ``(N, C, H, W)``) only; the adapter flattens
  ``(*batch, D)`` to ``(N, D)`` and back (a reshape, exact).

Gaps (not translated, so the checks see them): nflows raises ``ValueError("Expected features = D, got
D'")`` on a wrong feature size, a message that does not name ``mask``; it accepts a mask with no
pass-through or no shifted coordinate.
"""

from __future__ import annotations

from collections.abc import Callable

import nflows.transforms.coupling as _nflows_coupling  # the peer; ImportError if not installed
import torch
from torch import nn

from genspec.adapters._coupling_common import as_bool_mask, as_module, flatten_batch, unflatten_batch

__all__ = ["AdditiveCoupling"]


class _IgnoreContext(nn.Module):
    """nflows' transform-net signature ``net(x, context)`` around the contract's ``net(x)``."""

    def __init__(self, net: nn.Module) -> None:
        super().__init__()
        self.net = net

    def forward(self, x: torch.Tensor, context: torch.Tensor | None = None) -> torch.Tensor:
        return self.net(x)


class AdditiveCoupling(nn.Module):
    """``y[mask] = x[mask]``, ``y[~mask] = x[~mask] + net(x[mask])``, by nflows.

    Arguments:
        mask: bool, shape ``(D,)``; True marks pass-through (conditioning) coordinates.
        net: maps ``(..., mask.sum())`` to ``(..., (~mask).sum())``.
    """

    def __init__(self, mask: torch.Tensor, net: Callable[[torch.Tensor], torch.Tensor]) -> None:
        super().__init__()
        mask = as_bool_mask(mask)
        self.register_buffer("mask", mask.clone())
        self.net = as_module(net)
        wrapped = _IgnoreContext(self.net)
        nflows_mask = torch.where(mask, -1, 1)  # nflows: > 0 transformed, <= 0 identity
        self.transform = _nflows_coupling.AdditiveCouplingTransform(
            nflows_mask, transform_net_create_fn=lambda n_in, n_out: wrapped
        )

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Data to latent. ``x``: ``(*batch, D)``; returns ``(y, logdet)`` with logdet ``(*batch,)``."""
        flat, batch = flatten_batch(x)
        y, logdet = self.transform(flat)
        return unflatten_batch(y, logdet, batch)

    def inverse(self, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Latent to data. ``y``: ``(*batch, D)``; returns ``(x, logdet)`` with logdet ``(*batch,)``."""
        flat, batch = flatten_batch(y)
        x, logdet = self.transform.inverse(flat)
        return unflatten_batch(x, logdet, batch)
