"""nflows 0.14's transforms and flows through the protocol ``FLOWS`` of ``spec-api.md``.

The objects of ``nflows.transforms`` and ``nflows.flows``, unmodified, so that
``genspec check --impl adapters.nflows_flows`` judges them. No name of the functional contract is
defined here (``adapters.nflows_coupling`` maps the additive coupling onto ``AdditiveCoupling``).
Needs ``pip install nflows`` (extra ``peers``).

Entries (registry name -> nflows object). Conditioner networks are nflows' own
``nflows.nn.nets.ResidualNet(in, out, hidden_features=16, num_blocks=2)`` (what ``SimpleRealNVP``
builds), masks ``nflows.utils.torchutils.create_alternating_binary_mask(D, even=True)``; MADEs have
``hidden_features=16, num_blocks=2``; splines ``num_bins=8, tails="linear", tail_bound=3.0`` (nflows'
default ``tails=None`` restricts the spline to ``[0, 1]`` and raises ``InputOutsideDomain`` elsewhere;
linear tails are the configuration of the NSF paper's code for data on ``R^D``):

* ``nflows.AdditiveCouplingTransform``, ``nflows.AffineCouplingTransform``,
  ``nflows.PiecewiseRationalQuadraticCouplingTransform`` (coupling; nflows accepts ``D = 1``: the one
  coordinate is transformed by a net with no inputs, so the default ``dims`` 1-8 stand)
* ``nflows.MaskedAffineAutoregressiveTransform``,
  ``nflows.MaskedPiecewiseRationalQuadraticAutoregressiveTransform`` (MADE-based)
* ``nflows.RandomPermutation``, ``nflows.LULinear`` (``identity_init=True``, nflows' default)
* ``nflows.ActNorm``: nflows initialises it from the first batch passed through ``forward`` in
  training mode (``_initialize``); the factory makes that first call itself, on 64 standard normal
  draws from the seeded RNG, as a user's first batch would (a later call never re-initialises it)
* ``nflows.SimpleRealNVP`` -> ``SimpleRealNVP(D, hidden_features=16, num_layers=2,
  num_blocks_per_layer=2)``; ``nflows.MaskedAutoregressiveFlow`` ->
  ``MaskedAutoregressiveFlow(D, hidden_features=16, num_layers=2, num_blocks_per_layer=2)``;
  ``nflows.Flow(NSF)`` -> ``Flow(CompositeTransform([RandomPermutation, MaskedPiecewiseRational
  QuadraticAutoregressiveTransform] * 2), StandardNormal([D]))``. These three are
  ``nflows.flows.Flow`` objects with a ``StandardNormal`` base: distributions (``log_prob``, ``sample``).

Conventions translated here:

* **Direction.** nflows' ``Transform.forward`` maps data to noise and returns
  ``(outputs, logabsdet)`` of that map; ``inverse`` maps noise to data with the logabsdet of the
  inverse map: ``Flow._log_prob`` is ``noise, logabsdet = self._transform(inputs)`` then
  ``distribution.log_prob(noise) + logabsdet``, and ``_sample`` calls ``self._transform.inverse(noise)``
  (``nflows/flows/base.py``). That is the contract's convention, so ``forward``/``inverse`` map one to
  one. For a ``Flow`` the transform is its (private, only) attribute ``_transform``.
* **Distribution.** ``log_prob(x)`` is ``Flow.log_prob(x)``; ``sample(n)`` is ``Flow.sample(n)``.
* **Randomness.** nflows initialises (``nn.Linear``, ``RandomPermutation``'s ``torch.randperm``) and
  samples (``StandardNormal._sample``: ``torch.randn``) from torch's global RNG. Factories build with
  the global RNG seeded from ``generator`` and restore it; ``sample(n, generator=g)`` runs
  ``Flow.sample`` the same way (``genspec.adapters._protocol_common.seeded_global_rng``).
* **dtype.** nflows builds in the default dtype; the factory casts with ``module.to(dtype)``.
* **Batch rank.** nflows accepts ``(N, D)`` only ("Inputs must be a 2D or a 4D tensor"); the factories
  declare ``batch_ranks = (1,)`` and hand the input over as it is: no flattening, so no log-det is
  reshaped here. The log-dets are nflows' own ``(N,)`` tensors.

Passed through raw: every output and log-det nflows returns (shape, dtype, values) — e.g. the
affine coupling's scale is nflows' ``sigmoid(u + 2) + 1e-3``, not ``exp``; its exceptions
(``ValueError``, ``InputOutsideDomain``); the dtype of ``StandardNormal``'s samples, which
``torch.randn(num_samples, *shape)`` draws in the *default* dtype whatever the flow's dtype.

Library defects this adapter leaves for the checks to see (nflows 0.14):

* ``Flow.sample`` fails for a float64 flow: ``StandardNormal._sample`` returns float32 noise
  (``torch.randn`` without a dtype) and the first layer raises "mat1 and mat2 must have the same
  dtype" (``SimpleRealNVP``, ``MaskedAutoregressiveFlow``, ``Flow(NSF)`` in float64).
"""

from __future__ import annotations

from collections.abc import Callable

import nflows.flows as nf_flows  # the peer; ImportError if not installed
import nflows.transforms as nt
import torch
from genspec.adapters._protocol_common import flow_factory, seeded_global_rng
from nflows.distributions.normal import StandardNormal
from nflows.nn.nets import ResidualNet
from nflows.utils.torchutils import create_alternating_binary_mask
from torch import nn

__all__ = ["FLOWS", "NflowsFlow", "NflowsTransform"]

HIDDEN = 16
BLOCKS = 2
SPLINE = {"num_bins": 8, "tails": "linear", "tail_bound": 3.0}


class NflowsTransform(nn.Module):
    """An nflows ``Transform`` (data to noise) with the contract's ``forward``/``inverse``."""

    def __init__(self, transform: nt.Transform) -> None:
        super().__init__()
        self.transform = transform

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Data to latent: nflows' ``forward``."""
        return self.transform(x)

    def inverse(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Latent to data: nflows' ``inverse``."""
        return self.transform.inverse(z)


class NflowsFlow(NflowsTransform):
    """An ``nflows.flows.Flow``: its ``_transform``, ``log_prob`` and ``sample``."""

    def __init__(self, flow: nf_flows.Flow) -> None:
        super().__init__(flow._transform)
        self.flow = flow

    def log_prob(self, x: torch.Tensor) -> torch.Tensor:
        return self.flow.log_prob(x)

    def sample(self, n: int, *, generator: torch.Generator | None = None) -> torch.Tensor:
        with seeded_global_rng(generator):
            return self.flow.sample(n)


def _resnet(in_features: int, out_features: int) -> nn.Module:
    return ResidualNet(in_features, out_features, hidden_features=HIDDEN, num_blocks=BLOCKS)


def _coupling(cls: type[nt.Transform], **kwargs) -> Callable[[int], nn.Module]:
    def build(dim: int) -> nn.Module:
        mask = create_alternating_binary_mask(dim, even=True)
        return NflowsTransform(cls(mask=mask, transform_net_create_fn=_resnet, **kwargs))

    build.__doc__ = f"nflows.transforms.{cls.__name__}(alternating mask, ResidualNet, **{kwargs})"
    return build


def _made(cls: type[nt.Transform], **kwargs) -> Callable[[int], nn.Module]:
    def build(dim: int) -> nn.Module:
        return NflowsTransform(cls(features=dim, hidden_features=HIDDEN, num_blocks=BLOCKS, **kwargs))

    build.__doc__ = f"nflows.transforms.{cls.__name__}(D, hidden_features={HIDDEN}, num_blocks={BLOCKS}, **{kwargs})"
    return build


def _actnorm(dim: int) -> nn.Module:
    """nflows.transforms.ActNorm(D), initialised by a first forward pass on 64 standard normal draws."""
    layer = nt.ActNorm(dim)
    layer.train()
    layer(torch.randn(64, dim))  # nflows' data-dependent initialisation (``_initialize``), once
    return NflowsTransform(layer)


def _flow_nsf(dim: int) -> nn.Module:
    """nflows.flows.Flow(CompositeTransform([RandomPermutation, MaskedPRQ-AR] * 2), StandardNormal([D]))."""
    layers = []
    for _ in range(2):
        layers.append(nt.RandomPermutation(dim))
        layers.append(nt.MaskedPiecewiseRationalQuadraticAutoregressiveTransform(
            features=dim, hidden_features=HIDDEN, num_blocks=BLOCKS, **SPLINE))
    return NflowsFlow(nf_flows.Flow(nt.CompositeTransform(layers), StandardNormal([dim])))


FLOWS: dict[str, Callable[..., nn.Module]] = {
    "nflows.AdditiveCouplingTransform": flow_factory(
        _coupling(nt.AdditiveCouplingTransform), batch_ranks=(1,)),
    "nflows.AffineCouplingTransform": flow_factory(
        _coupling(nt.AffineCouplingTransform), batch_ranks=(1,)),
    "nflows.PiecewiseRationalQuadraticCouplingTransform": flow_factory(
        _coupling(nt.PiecewiseRationalQuadraticCouplingTransform, **SPLINE), batch_ranks=(1,)),
    "nflows.MaskedAffineAutoregressiveTransform": flow_factory(
        _made(nt.MaskedAffineAutoregressiveTransform), batch_ranks=(1,)),
    "nflows.MaskedPiecewiseRationalQuadraticAutoregressiveTransform": flow_factory(
        _made(nt.MaskedPiecewiseRationalQuadraticAutoregressiveTransform, **SPLINE), batch_ranks=(1,)),
    "nflows.RandomPermutation": flow_factory(lambda dim: NflowsTransform(nt.RandomPermutation(dim)),
                                             batch_ranks=(1,)),
    "nflows.LULinear": flow_factory(lambda dim: NflowsTransform(nt.LULinear(dim)), batch_ranks=(1,)),
    "nflows.ActNorm": flow_factory(_actnorm, batch_ranks=(1,)),
    "nflows.SimpleRealNVP": flow_factory(
        lambda dim: NflowsFlow(nf_flows.SimpleRealNVP(dim, hidden_features=HIDDEN, num_layers=2,
                                                      num_blocks_per_layer=BLOCKS)),
        batch_ranks=(1,)),
    "nflows.MaskedAutoregressiveFlow": flow_factory(
        lambda dim: NflowsFlow(nf_flows.MaskedAutoregressiveFlow(dim, hidden_features=HIDDEN, num_layers=2,
                                                                 num_blocks_per_layer=BLOCKS)),
        batch_ranks=(1,)),
    "nflows.Flow(NSF)": flow_factory(_flow_nsf, batch_ranks=(1,)),
}
