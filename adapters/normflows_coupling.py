"""The contract's ``AdditiveCoupling``, as normflows 1.7 computes it.

Maps ``normflows.flows.MaskedAffineFlow`` with no scale network — normflows' own NICE layer ("NICE is
AffineFlow with only shifts (volume preserving)", its docstring) — onto ``AdditiveCoupling(mask, net)``
of ``spec-api.md``; every other name of the contract is not provided. Run with
``genspec check --impl adapters.normflows_coupling`` (needs ``pip install normflows``, extra ``peers``).

``MaskedAffineFlow(b, t, s=None)`` computes, in its ``forward``,
``z' = b * z + (1 - b) * (z * exp(0) + t(b * z))`` with ``log_det = sum((1 - b) * 0)``.

Conventions translated here:

* **Direction.** normflows' ``forward`` is the *generative* direction, latent to data (``sample`` runs
  ``flow(z)`` over the layers; ``log_prob`` runs ``flow.inverse(x)`` in reverse). The contract's
  ``forward`` is data to latent. So the contract's ``forward`` is normflows' ``inverse`` and the
  contract's ``inverse`` is normflows' ``forward``; both return ``log |det J|`` of the map applied, as
  in the contract. normflows' ``inverse`` *subtracts* ``t(b * z)``; for its data-to-latent map to be
  ``x2 + net(x1)`` its shift network is ``t = -net`` (negation is exact in floating point, so
  ``x2 - (-net(x1))`` equals ``x2 + net(x1)`` bit for bit). A normflows user who puts this layer in a
  ``NormalizingFlow`` gets the same density the contract describes.
* **Mask.** normflows' ``b``: 1 keeps a coordinate (and feeds the networks), 0 transforms it; the
  contract's ``True`` is ``b = 1``.
* **Net shapes.** normflows' ``t`` maps the whole masked vector ``b * z``, shape ``(N, D)``, to
  ``(N, D)``. The adapter's ``t`` reads the pass-through coordinates ``(b * z)[..., mask]``, which are
  exactly ``x[mask]``, calls the contract's ``net`` on them and scatters ``-net`` into the ``~mask``
  slots (the ``mask`` slots of ``t`` are multiplied by ``1 - b = 0`` by normflows).
* **Batch rank.** normflows sums ``log_det`` over ``dim=1`` (``range(1, b.dim())`` with ``b`` of shape
  ``(1, D)``), which is right for ``(N, D)`` only: the adapter flattens ``(*batch, D)`` to ``(N, D)``.
* **dtype.** ``b`` is a float buffer; the adapter casts it to the input's dtype so that float32 inputs
  are not promoted to float64 by a float64 ``b`` (after ``.double()``) or vice versa.

Gaps (not translated): normflows does not check the mask against the feature size (a broadcasting
``RuntimeError``); it replaces non-finite outputs of ``t`` by NaN.
"""

from __future__ import annotations

from collections.abc import Callable

import normflows as _nf  # the peer; ImportError if not installed
import torch
from torch import nn

from genspec.adapters._coupling_common import as_bool_mask, as_module, flatten_batch, unflatten_batch

__all__ = ["AdditiveCoupling"]


class _NegatedScatteredShift(nn.Module):
    """normflows' ``t(b * z)``, shape ``(N, D) -> (N, D)``: ``-net(z[mask])`` in the ``~mask`` slots."""

    def __init__(self, mask: torch.Tensor, net: nn.Module) -> None:
        super().__init__()
        self.register_buffer("mask", mask.clone())
        self.net = net

    def forward(self, z_masked: torch.Tensor) -> torch.Tensor:
        shift = self.net(z_masked[..., self.mask])
        out = torch.zeros_like(z_masked)
        out[..., ~self.mask] = -shift
        return out


class AdditiveCoupling(nn.Module):
    """``y[mask] = x[mask]``, ``y[~mask] = x[~mask] + net(x[mask])``, by normflows.

    Arguments:
        mask: bool, shape ``(D,)``; True marks pass-through (conditioning) coordinates.
        net: maps ``(..., mask.sum())`` to ``(..., (~mask).sum())``.
    """

    def __init__(self, mask: torch.Tensor, net: Callable[[torch.Tensor], torch.Tensor]) -> None:
        super().__init__()
        mask = as_bool_mask(mask)
        self.net = as_module(net)
        self.flow = _nf.flows.MaskedAffineFlow(mask.to(torch.float32), t=_NegatedScatteredShift(mask, self.net), s=None)

    @property
    def mask(self) -> torch.Tensor:
        return self.flow.t.mask

    def _match_dtype(self, x: torch.Tensor) -> None:
        if self.flow.b.dtype != x.dtype:
            self.flow.b = self.flow.b.to(x.dtype)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Data to latent (normflows' ``inverse``). ``x``: ``(*batch, D)``; logdet ``(*batch,)``."""
        flat, batch = flatten_batch(x)
        self._match_dtype(flat)
        y, logdet = self.flow.inverse(flat)
        return unflatten_batch(y, logdet, batch)

    def inverse(self, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Latent to data (normflows' ``forward``). ``y``: ``(*batch, D)``; logdet ``(*batch,)``."""
        flat, batch = flatten_batch(y)
        self._match_dtype(flat)
        x, logdet = self.flow(flat)
        return unflatten_batch(x, logdet, batch)
