"""genspec's own objects through the protocols of docs/spec-api.md: ``FLOWS``, ``SAMPLERS``, ``RELAXED``.

The registries are how the protocol checks (``genspec.protocols``) see the reference: the same
checks judge any flow, reparameterized sampler or relaxed categorical an adapter registers.

* ``FLOWS``: factories ``make(dim, *, generator, dtype)`` of the additive coupling, the scaling, a
  random permutation, a composition of them (``FlowSequential``) and two small NICEs (4 couplings of
  2 hidden layers of 8 units; Gaussian and logistic prior: these are distributions, with
  ``log_prob`` and ``sample``). The constructors' own ``nn.Linear`` initialisation draws from the
  global RNG; the factories run it on a forked RNG and then redraw every parameter from
  ``generator``: weights and biases U(-1/sqrt(fan_in), 1/sqrt(fan_in)), ``log_scale`` zeros (the
  suite perturbs it).
* ``SAMPLERS``: the diagonal Gaussian N(mu, diag exp(logvar)) with ``rsample`` =
  ``reparameterize(mu, logvar, eps)`` and ``log_prob`` = ``log_normal``, in K = 3 and K = 1.
* ``RELAXED``: ``gumbel_softmax`` with ``concrete_log_prob`` as its density.

References: seed 003 (NICE), seed 000 (reparameterization, Gumbel-Softmax); Maddison et al.,
arXiv:1611.00712, eq. (6) (the Concrete density).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

import torch
from torch import Tensor, nn

from genspec.reference.composition import FlowSequential
from genspec.reference.concrete import concrete_log_prob
from genspec.reference.coupling import AdditiveCoupling
from genspec.reference.gaussian import log_normal, reparameterize
from genspec.reference.gumbel_softmax import gumbel_softmax
from genspec.reference.nice import NICE, coupling_mlp
from genspec.reference.partitions import interleaved_mask
from genspec.reference.permutations import RandomPermutation, SwapHalves
from genspec.reference.scaling import Scaling
from genspec.reference.validation import check_generator

__all__ = ["FLOWS", "RELAXED", "SAMPLERS", "DiagonalGaussian", "GumbelSoftmax"]


def _initialise_(module: nn.Module, generator: torch.Generator) -> nn.Module:
    """Redraw every parameter from ``generator``: U(±1/sqrt(fan_in)) for weights and their biases."""
    with torch.no_grad():
        bound = 1.0
        for name, p in module.named_parameters():
            if name.endswith("log_scale"):
                p.zero_()
                continue
            if p.dim() >= 2:
                bound = 1.0 / math.sqrt(p.shape[1])
            p.copy_((torch.rand(p.shape, generator=generator, dtype=torch.float64) * 2 - 1) * bound)
    return module


def flow_factory(build: Callable[[int, torch.Generator], nn.Module], dims: tuple[int, ...]) -> Callable[..., nn.Module]:
    """A ``FLOWS`` factory ``make(dim, *, generator, dtype)`` from ``build(dim, generator)``: built on a
    forked global RNG, every parameter redrawn from ``generator``, supporting ``dims``. A building
    block (the registry and catalogue entries use it), not part of the contract."""
    def make(dim: int, *, generator: torch.Generator, dtype: torch.dtype = torch.float64) -> nn.Module:
        with torch.random.fork_rng(devices=[]):
            module = build(dim, generator)
        return _initialise_(module, generator).to(dtype)

    make.dims = dims  # type: ignore[attr-defined]
    make.__doc__ = build.__doc__
    return make


def small_coupling(dim: int, odd: bool = False) -> AdditiveCoupling:
    """An ``AdditiveCoupling`` on the interleaved partition with a ReLU MLP of one hidden layer of 8
    units (a building block of the registry and of catalogue entries, not part of the contract)."""
    mask = interleaved_mask(dim, odd=odd)
    return AdditiveCoupling(mask, coupling_mlp(int(mask.sum()), int((~mask).sum()), hidden=8, depth=1))


def _sequential(dim: int, generator: torch.Generator) -> FlowSequential:
    """Coupling, random permutation, coupling on the other partition, swap of halves, scaling."""
    return FlowSequential([small_coupling(dim), RandomPermutation(dim, generator=generator),
                           small_coupling(dim, odd=True), SwapHalves(dim), Scaling(dim)])


_FROM_TWO = tuple(range(2, 9))
_FROM_ONE = tuple(range(1, 9))

FLOWS: dict[str, Callable[..., nn.Module]] = {
    "AdditiveCoupling": flow_factory(lambda dim, g: small_coupling(dim), _FROM_TWO),
    "Scaling": flow_factory(lambda dim, g: Scaling(dim), _FROM_ONE),
    "RandomPermutation": flow_factory(lambda dim, g: RandomPermutation(dim, generator=g), _FROM_ONE),
    "FlowSequential": flow_factory(_sequential, _FROM_TWO),
    "NICE-gaussian": flow_factory(lambda dim, g: NICE(dim, couplings=4, hidden=8, depth=2, prior="gaussian"),
                                 _FROM_TWO),
    "NICE-logistic": flow_factory(lambda dim, g: NICE(dim, couplings=4, hidden=8, depth=2, prior="logistic"),
                                 _FROM_TWO),
}


class DiagonalGaussian:
    """N(mu, diag exp(logvar)): ``rsample`` = ``reparameterize(mu, logvar, eps)``, ``log_prob`` = ``log_normal``.

    Args:
        mu: mean ``(K,)``, a leaf requiring grad.
        logvar: log-variance ``(K,)``, a leaf requiring grad.
    """

    def __init__(self, mu: Tensor, logvar: Tensor) -> None:
        self.mu, self.logvar = mu, logvar
        self.event_shape = tuple(mu.shape)

    def rsample(self, sample_shape: tuple[int, ...] = (), *, generator: torch.Generator | None = None) -> Tensor:
        """``(*sample_shape, K)`` reparameterized draws."""
        check_generator(generator)
        eps = torch.randn((*sample_shape, *self.event_shape), generator=generator, dtype=self.mu.dtype)
        return reparameterize(self.mu, self.logvar, eps)

    def log_prob(self, x: Tensor) -> Tensor:
        """``(*sample_shape, K) -> (*sample_shape,)``."""
        return log_normal(x, self.mu, self.logvar)

    def parameters(self) -> Iterator[Tensor]:
        return iter((self.mu, self.logvar))


def _gaussian(k: int) -> Callable[..., DiagonalGaussian]:
    def make(*, generator: torch.Generator, dtype: torch.dtype = torch.float64) -> DiagonalGaussian:
        mu = (0.5 * torch.randn(k, generator=generator, dtype=torch.float64)).to(dtype).requires_grad_()
        logvar = (0.5 * torch.randn(k, generator=generator, dtype=torch.float64)).to(dtype).requires_grad_()
        return DiagonalGaussian(mu, logvar)

    return make


SAMPLERS: dict[str, Callable[..., DiagonalGaussian]] = {"DiagonalGaussian-3": _gaussian(3),
                                                         "DiagonalGaussian-1": _gaussian(1)}


class GumbelSoftmax:
    """``sample`` = ``gumbel_softmax(logits, tau)``; ``log_prob`` = ``concrete_log_prob(y, logits, tau)``."""

    def sample(self, logits: Tensor, tau: float, *, generator: torch.Generator | None = None) -> Tensor:
        """A relaxed one-hot sample of ``logits.shape`` ``(*batch, K)``."""
        return gumbel_softmax(logits, tau, generator=generator)

    def log_prob(self, y: Tensor, logits: Tensor, tau: float) -> Tensor:
        """The Concrete log density at ``y`` ``(*batch, K)``: ``(*batch,)``."""
        return concrete_log_prob(y, logits, tau)


RELAXED: dict[str, GumbelSoftmax] = {"gumbel_softmax": GumbelSoftmax()}
