"""The contract's ``AdditiveCoupling``, as zuko 1.6 computes it.

Maps zuko's general coupling (``zuko.flows.coupling.GeneralCouplingTransform``, the layer of
``zuko.flows.NICE``) onto ``AdditiveCoupling(mask, net)`` of ``spec-api.md``; every other name of the
contract is not provided. Run with ``genspec check --impl adapters.zuko_coupling`` (needs
``pip install zuko``, extra ``peers``).

Conventions translated here:

* **Additive, not affine.** ``zuko.flows.NICE`` is affine by default (its docstring: "Affine
  transformations are used by default, as in RealNVP ... instead of additive transformations, as in
  NICE"). The NICE coupling is obtained by telling the general coupling its univariate transformation
  is ``zuko.transforms.AdditiveTransform`` (``f(x) = x + b``) with one parameter per coordinate:
  ``GeneralCouplingTransform(D, mask=mask, univariate=AdditiveTransform, shapes=((),))``.
* **The net.** zuko builds an MLP hyper network ``(features_a + context) -> features_b * 1`` from
  ``**kwargs``; the adapter replaces it with the contract's ``net`` (same shapes, since ``context=0``).
* **Mask.** zuko's mask: True marks the constant split ``x_a`` that conditions the hyper network —
  the contract's meaning; passed as is.
* **Direction.** zuko's transforms map data to latent (``Flow`` evaluates ``log_prob`` through
  ``transform(x)``), ``call_and_ladj`` returns ``log |det J|`` of the map applied; ``.inv`` is the
  inverse transform with its own ladj. Both are the contract's convention.
* **Batch rank.** zuko indexes ``x[..., idx]``, so any batch rank works untranslated.

Gaps (not translated): zuko asserts ``0 < mask.sum() < D`` (``AssertionError``, not ``ValueError``) and
does not check the feature size of the input against the mask: too few features raise ``IndexError``,
too many come back with uninitialised memory in the extra output coordinates
(``docs/conformance/repro_zuko_unchecked_features.py``). An empty batch ``(0, D)`` fails in torch's
``_sum_rightmost`` (the contract's batch sides are at least 1).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import zuko  # noqa: F401  (the peer; ImportError if not installed)
from torch import nn
from zuko.flows.coupling import GeneralCouplingTransform
from zuko.transforms import AdditiveTransform

from genspec.adapters._coupling_common import as_bool_mask, as_module

__all__ = ["AdditiveCoupling"]


class AdditiveCoupling(nn.Module):
    """``y[mask] = x[mask]``, ``y[~mask] = x[~mask] + net(x[mask])``, by zuko.

    Arguments:
        mask: bool, shape ``(D,)``; True marks pass-through (conditioning) coordinates.
        net: maps ``(..., mask.sum())`` to ``(..., (~mask).sum())``.
    """

    def __init__(self, mask: torch.Tensor, net: Callable[[torch.Tensor], torch.Tensor]) -> None:
        super().__init__()
        mask = as_bool_mask(mask)
        self.lazy = GeneralCouplingTransform(
            features=mask.numel(), context=0, mask=mask,
            univariate=AdditiveTransform, shapes=((),), hidden_features=(),
        )
        self.lazy.hyper = as_module(net)  # zuko's MLP hyper network replaced by the contract's net

    @property
    def net(self) -> nn.Module:
        return self.lazy.hyper

    @property
    def mask(self) -> torch.Tensor:
        return self.lazy.mask

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Data to latent. ``x``: ``(*batch, D)``; returns ``(y, logdet)`` with logdet ``(*batch,)``."""
        return self.lazy().call_and_ladj(x)

    def inverse(self, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Latent to data. ``y``: ``(*batch, D)``; returns ``(x, logdet)`` with logdet ``(*batch,)``."""
        return self.lazy().inv.call_and_ladj(y)

