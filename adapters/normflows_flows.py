"""normflows 1.7's flow layers and ``NormalizingFlow`` through the protocol ``FLOWS`` of ``spec-api.md``.

The objects of ``normflows.flows`` and ``normflows.NormalizingFlow``, unmodified, so that
``genspec check --impl adapters.normflows_flows`` judges them. No name of the functional contract is
defined here (``adapters.normflows_coupling`` maps ``MaskedAffineFlow`` onto ``AdditiveCoupling``).
Needs ``pip install normflows`` (extra ``peers``).

Entries (registry name -> normflows object; networks are normflows' own ``nf.nets.MLP`` with one
hidden layer of 16 units, or the wrappers' ``ResidualNet`` with ``num_blocks=2,
num_hidden_channels=16``; as in normflows' README examples, ``init_zeros=True`` for the coupling
networks, so the suite's perturbation of the parameters is what makes them non-trivial):

* ``normflows.MaskedAffineFlow`` -> ``MaskedAffineFlow(b, t=MLP([D, 16, D], init_zeros=True),
  s=MLP([D, 16, D], init_zeros=True))`` with ``b`` the alternating mask ``[1, 0, 1, ...]`` (the
  README's Real NVP layer; ``dims`` 2-8)
* ``normflows.AffineCouplingBlock`` -> ``AffineCouplingBlock(MLP([ceil(D/2), 16, 2 * floor(D/2)],
  init_zeros=True))`` (``scale_map="exp"``, ``split_mode="channel"``); ``normflows.AffineCouplingBlock
  (sigmoid)`` -> the same with ``scale_map="sigmoid"`` (Glow's scale); ``dims`` 2-8
* ``normflows.MaskedAffineAutoregressive`` -> ``MaskedAffineAutoregressive(D, hidden_features=16,
  num_blocks=2)``
* ``normflows.CoupledRationalQuadraticSpline`` -> ``CoupledRationalQuadraticSpline(D, 2, 16)``
  (``dims`` 2-8); ``normflows.AutoregressiveRationalQuadraticSpline`` ->
  ``AutoregressiveRationalQuadraticSpline(D, 2, 16)`` (``tail_bound=3``, linear tails, normflows'
  defaults; ``init_identity=True``)
* ``normflows.AffineConstFlow`` -> ``AffineConstFlow((D,))`` (learned scale and shift)
* ``normflows.ActNorm`` -> ``ActNorm((D,))``: normflows initialises it from the first batch passed
  through (``data_dep_init_done``); the factory makes that first call itself, ``layer.inverse`` (the
  data-to-latent direction, which ``NormalizingFlow.log_prob`` and ``forward_kld`` run first in
  training) on 64 standard normal draws from the seeded RNG
* ``normflows.Permute(shuffle)`` -> ``Permute(D, mode="shuffle")``; ``normflows.Permute(swap)`` ->
  ``Permute(D, mode="swap")``
* ``normflows.LULinearPermute`` -> ``LULinearPermute(D)``; ``normflows.InvertibleAffine`` ->
  ``InvertibleAffine(D, use_lu=True)``
* ``normflows.NormalizingFlow(RealNVP)`` -> ``NormalizingFlow(DiagGaussian(D), [AffineCouplingBlock,
  Permute(D, mode="swap")] * 2)`` (``dims`` 2-8) and ``normflows.NormalizingFlow(NSF)`` ->
  ``NormalizingFlow(DiagGaussian(D), [AutoregressiveRationalQuadraticSpline(D, 2, 16),
  LULinearPermute(D)] * 2)``: distributions (``log_prob``, ``sample``), the README's two examples.

Left out: ``Planar``, ``Radial`` (normflows implements no inverse: invertible, but not in closed
form), ``Residual`` (a fixed-point inverse and a stochastic, Russian-roulette log-det estimate),
``BatchNorm`` (normalises with the statistics of the batch passed in: not one bijection per example;
no ``inverse``), ``Invertible1x1Conv`` (images ``(N, C, H, W)``), the circular splines and
``PeriodicWrap``/``PeriodicShift`` (flows on the torus), ``MetropolisHastings``/
``HamiltonianMonteCarlo`` (stochastic layers), ``CCAffineConst`` and the ``Glow``/multiscale blocks
(class-conditional or image layers).

Conventions translated here:

* **Direction.** normflows' ``forward`` is the *generative* direction, latent to data:
  ``NormalizingFlow.sample`` runs ``z, log_q = q0(n)`` then ``z, log_det = flow(z); log_q -= log_det``
  over the layers, and ``log_prob(x)`` runs ``z, log_det = flows[i].inverse(z); log_q += log_det`` in
  reverse, then ``log_q += q0.log_prob(z)`` (``normflows/core.py``). So each ``log_det`` is ``log |det J|``
  of the map just applied, and the contract's ``forward`` is normflows' ``inverse`` (with its log-det as
  returned), the contract's ``inverse`` is normflows' ``forward``. For a ``NormalizingFlow`` these are
  its ``inverse_and_log_det`` and ``forward_and_log_det``. No sign is changed.
* **Distribution.** ``log_prob(x)`` is ``NormalizingFlow.log_prob(x)``; ``sample(n)`` is
  ``NormalizingFlow.sample(n)[0]``: normflows returns ``(z, log_q)`` and the contract's ``sample``
  returns the draws only.
* **Randomness.** normflows initialises (``nn.Linear``, ``torch.randperm``, ``torch.randn`` + QR) and
  samples (``DiagGaussian.forward``: ``torch.randn``) from torch's global RNG. Factories build with
  the global RNG seeded from ``generator`` and restore it; ``sample(n, generator=g)`` runs
  ``NormalizingFlow.sample`` the same way (``genspec.adapters._protocol_common.seeded_global_rng``).
* **dtype.** normflows builds in the default dtype; the factory casts with ``module.to(dtype)``
  (parameters and buffers, e.g. ``MaskedAffineFlow.b``, ``Permute.perm`` stays integer).
* **Batch rank.** normflows' layers take ``(N, D)`` (``torch.zeros(len(z))``, ``dim=1`` splits,
  ``z[:, perm]``); the factories declare ``batch_ranks = (1,)`` and pass the input as it is: no
  flattening, so no log-det is reshaped here.

Passed through raw: every output and log-det normflows returns, with its shape and dtype — e.g.
``AffineConstFlow``/``ActNorm`` return a 0-d log-det (``torch.sum(self.s)``), the same for every row;
``Permute`` returns ``torch.zeros(len(z))`` in the *default* dtype; ``NormalizingFlow.forward_and_log_det``
and ``inverse_and_log_det`` accumulate into ``torch.zeros(len(z))`` in the default dtype (in place, so a
float64 log-det comes back float32), while ``NormalizingFlow.log_prob`` uses ``x.dtype``.

Library defects this adapter leaves for the checks to see (normflows 1.7.3):

* ``NormalizingFlow.forward_and_log_det``/``inverse_and_log_det`` return a float32 log-det for float64
  inputs (``log_det = torch.zeros(len(z))`` then ``log_det += log_d`` in place): a float64 log-det of
  ``-0.2`` comes back as ``-0.20000000298023224``; ``Permute`` returns float32 zeros likewise.
* ``AffineConstFlow``, ``ActNorm`` and ``InvertibleAffine`` return a 0-d log-det (one value for the
  whole batch) where the contract asks for one per example (``NormalizingFlow`` broadcasts it).
"""

from __future__ import annotations

from collections.abc import Callable

import normflows as nf  # the peer; ImportError if not installed
import torch
from genspec.adapters._protocol_common import flow_factory, seeded_global_rng
from torch import nn

__all__ = ["FLOWS", "NormflowsFlow", "NormflowsLayer"]

HIDDEN = 16
BLOCKS = 2
COUPLING_DIMS = tuple(range(2, 9))


class NormflowsLayer(nn.Module):
    """A normflows ``Flow`` layer (latent to data) with the contract's ``forward``/``inverse``."""

    def __init__(self, layer: nf.flows.Flow) -> None:
        super().__init__()
        self.layer = layer

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Data to latent: normflows' ``inverse``."""
        return self.layer.inverse(x)

    def inverse(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Latent to data: normflows' ``forward``."""
        return self.layer(z)


class NormflowsFlow(nn.Module):
    """A ``normflows.NormalizingFlow``: ``inverse_and_log_det``, ``forward_and_log_det``, ``log_prob``,
    ``sample``."""

    def __init__(self, model: nf.NormalizingFlow) -> None:
        super().__init__()
        self.model = model

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Data to latent: ``NormalizingFlow.inverse_and_log_det``."""
        return self.model.inverse_and_log_det(x)

    def inverse(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Latent to data: ``NormalizingFlow.forward_and_log_det``."""
        return self.model.forward_and_log_det(z)

    def log_prob(self, x: torch.Tensor) -> torch.Tensor:
        return self.model.log_prob(x)

    def sample(self, n: int, *, generator: torch.Generator | None = None) -> torch.Tensor:
        with seeded_global_rng(generator):
            x, _log_q = self.model.sample(n)
        return x


def _alternating(dim: int) -> torch.Tensor:
    return torch.tensor([1 if i % 2 == 0 else 0 for i in range(dim)], dtype=torch.float32)


def _masked_affine(dim: int) -> nf.flows.Flow:
    b = _alternating(dim)
    s = nf.nets.MLP([dim, HIDDEN, dim], init_zeros=True)
    t = nf.nets.MLP([dim, HIDDEN, dim], init_zeros=True)
    return nf.flows.MaskedAffineFlow(b, t, s)


def _coupling_block(dim: int, scale_map: str = "exp") -> nf.flows.Flow:
    # split_mode="channel": z.chunk(2, dim=1) gives ceil(D/2) conditioning and floor(D/2) transformed
    # coordinates; the param map returns shift and scale interleaved (param[:, 0::2], param[:, 1::2]).
    d1, d2 = dim - dim // 2, dim // 2
    param_map = nf.nets.MLP([d1, HIDDEN, 2 * d2], init_zeros=True)
    return nf.flows.AffineCouplingBlock(param_map, scale_map=scale_map)


def _actnorm(dim: int) -> nf.flows.Flow:
    layer = nf.flows.ActNorm((dim,))
    layer.inverse(torch.randn(64, dim))  # normflows' data-dependent initialisation, once
    return layer


def _realnvp(dim: int) -> nf.NormalizingFlow:
    flows = []
    for _ in range(2):
        flows += [_coupling_block(dim), nf.flows.Permute(dim, mode="swap")]
    return nf.NormalizingFlow(nf.distributions.DiagGaussian(dim), flows)


def _nsf(dim: int) -> nf.NormalizingFlow:
    flows = []
    for _ in range(2):
        flows += [nf.flows.AutoregressiveRationalQuadraticSpline(dim, BLOCKS, HIDDEN),
                  nf.flows.LULinearPermute(dim)]
    return nf.NormalizingFlow(nf.distributions.DiagGaussian(dim), flows)


def _layer(build: Callable[[int], nf.flows.Flow], **attributes) -> Callable[..., nn.Module]:
    return flow_factory(lambda dim: NormflowsLayer(build(dim)), batch_ranks=(1,), **attributes)


def _model(build: Callable[[int], nf.NormalizingFlow], **attributes) -> Callable[..., nn.Module]:
    return flow_factory(lambda dim: NormflowsFlow(build(dim)), batch_ranks=(1,), **attributes)


FLOWS: dict[str, Callable[..., nn.Module]] = {
    "normflows.MaskedAffineFlow": _layer(_masked_affine, dims=COUPLING_DIMS),
    "normflows.AffineCouplingBlock": _layer(_coupling_block, dims=COUPLING_DIMS),
    "normflows.AffineCouplingBlock(sigmoid)": _layer(lambda dim: _coupling_block(dim, "sigmoid"),
                                                     dims=COUPLING_DIMS),
    "normflows.MaskedAffineAutoregressive": _layer(
        lambda dim: nf.flows.MaskedAffineAutoregressive(dim, HIDDEN, num_blocks=BLOCKS)),
    "normflows.CoupledRationalQuadraticSpline": _layer(
        lambda dim: nf.flows.CoupledRationalQuadraticSpline(dim, BLOCKS, HIDDEN), dims=COUPLING_DIMS),
    "normflows.AutoregressiveRationalQuadraticSpline": _layer(
        lambda dim: nf.flows.AutoregressiveRationalQuadraticSpline(dim, BLOCKS, HIDDEN)),
    "normflows.AffineConstFlow": _layer(lambda dim: nf.flows.AffineConstFlow((dim,))),
    "normflows.ActNorm": _layer(_actnorm),
    "normflows.Permute(shuffle)": _layer(lambda dim: nf.flows.Permute(dim, mode="shuffle")),
    "normflows.Permute(swap)": _layer(lambda dim: nf.flows.Permute(dim, mode="swap")),
    "normflows.LULinearPermute": _layer(lambda dim: nf.flows.LULinearPermute(dim)),
    "normflows.InvertibleAffine": _layer(lambda dim: nf.flows.InvertibleAffine(dim, use_lu=True)),
    "normflows.NormalizingFlow(RealNVP)": _model(_realnvp, dims=COUPLING_DIMS),
    "normflows.NormalizingFlow(NSF)": _model(_nsf),
}
