"""NICE: additive couplings on alternating interleaved partitions, a final scaling, a simple prior.

The model of the NICE paper's MNIST experiment, forward = data -> latent:

    h_0 = x,   h_k = AdditiveCoupling(mask_k, m_k)(h_{k-1})   for k = 1..couplings,
    z = h_K * exp(log_scale),
    mask_k = interleaved_mask(D, odd=(k-1) % 2 == 1)          (the partition alternates),
    m_k = ReLU MLP with ``depth`` hidden layers of ``hidden`` units and a linear output,

    log p(x) = log p_prior(z) + sum_i log_scale_i             (the couplings have log_det 0),

with p_prior the standard logistic (the paper's MNIST choice) or the standard normal (the
seed's choice). Sampling draws eps from the prior and returns the inverse of z = T * eps: the
temperature T scales the prior's standard deviation (the seed's "退火参数" 0.8).

Defaults: 4 couplings, 5 hidden layers of 1000 units: for D = 784 that is
4 * (392*1000 + 1000 + 4*(1000*1000 + 1000) + 1000*392 + 392) + 784 = 19,158,352 parameters,
the seed's "约为 2×10^7".

References:
    Dinh, Krueger, Bengio, "NICE: Non-linear Independent Components Estimation",
    arXiv:1410.8516, sections 3.2-3.4 and 5.1 (MNIST architecture, logistic prior).
    Seed 003_2bb67353180af150.txt, section 实验 / 模型细节 (4 couplings, interleaved partition,
    5 x 1000 ReLU), section 退火参数 (sampling std 0.8), section 总结 (parameter count).
"""

from __future__ import annotations

import torch
from torch import nn

from genspec.reference.composition import FlowSequential
from genspec.reference.coupling import AdditiveCoupling
from genspec.reference.partitions import interleaved_mask
from genspec.reference.priors import sample_standard_logistic, standard_logistic_log_prob, standard_normal_log_prob
from genspec.reference.scaling import Scaling
from genspec.reference.validation import (
    MAX_SIZE, check_choice, check_finite, check_floating, check_generator, integer, positive_number,
)

__all__ = ["NICE", "coupling_mlp"]

PRIORS: tuple[str, ...] = ("logistic", "gaussian")


def coupling_mlp(in_features: int, out_features: int, *, hidden: int, depth: int) -> nn.Sequential:
    """A ReLU MLP ``(*batch, in_features) -> (*batch, out_features)`` with ``depth`` hidden layers
    of ``hidden`` units and a linear output layer (``depth=0``: a single linear layer)."""
    in_features, out_features, hidden, depth = (
        integer(name, value, minimum=low, maximum=MAX_SIZE)
        for name, value, low in (("in_features", in_features, 1), ("out_features", out_features, 1),
                                 ("hidden", hidden, 1), ("depth", depth, 0)))
    layers: list[nn.Module] = []
    width = in_features
    for _ in range(depth):
        layers += [nn.Linear(width, hidden), nn.ReLU()]
        width = hidden
    layers.append(nn.Linear(width, out_features))
    return nn.Sequential(*layers)


class NICE(nn.Module):
    """The NICE flow. ``forward(x)`` and ``inverse(z)`` return ``(output, log_det)``.

    Args:
        dim: D >= 2, the data dimension.
        couplings: the number of additive coupling layers (>= 1).
        hidden: units per hidden layer of each coupling's MLP.
        depth: hidden layers per coupling MLP.
        prior: ``"logistic"`` or ``"gaussian"`` (standard, factorised).
    """

    def __init__(self, dim: int, *, couplings: int = 4, hidden: int = 1000, depth: int = 5,
                 prior: str = "logistic") -> None:
        super().__init__()
        dim = integer("dim", dim, minimum=2, maximum=MAX_SIZE)  # both sides of the partition non-empty
        couplings = integer("couplings", couplings, minimum=1, maximum=MAX_SIZE)
        check_choice("prior", prior, PRIORS)
        self.dim = dim
        self.prior = prior
        layers = []
        for k in range(couplings):
            mask = interleaved_mask(dim, odd=k % 2 == 1)
            net = coupling_mlp(int(mask.sum()), int((~mask).sum()), hidden=hidden, depth=depth)
            layers.append(AdditiveCoupling(mask, net))
        self.couplings = FlowSequential(layers)
        self.scaling = Scaling(dim)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Data to latent: ``(*batch, D) -> (z (*batch, D), log_det (*batch,))``."""
        h, log_det = self.couplings(x)
        z, ld = self.scaling(h)
        return z, log_det + ld

    def inverse(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Latent to data: ``(*batch, D) -> (x (*batch, D), log_det (*batch,))``."""
        h, ld = self.scaling.inverse(z)
        x, log_det = self.couplings.inverse(h)
        return x, log_det + ld

    def prior_log_prob(self, z: torch.Tensor) -> torch.Tensor:
        """The prior's log density summed over the last dimension: ``(*batch, D) -> (*batch,)``."""
        if self.prior == "gaussian":
            return standard_normal_log_prob(z)
        return standard_logistic_log_prob(z)

    def log_prob(self, x: torch.Tensor) -> torch.Tensor:
        """``log p(x) = log p_prior(f(x)) + log|det df/dx|``: ``(*batch, D) -> (*batch,)``.

        Raises ``ValueError`` for an ``x`` with a NaN or ±inf entry, which would otherwise come out as a
        NaN likelihood (and a NaN loss) without a word. ``forward`` and ``inverse`` do not check values:
        a check there would synchronise with the device at every layer call and keep
        ``torch.func.vmap`` from tracing the layers.
        """
        self._check_x(x)
        z, log_det = self(x)
        return self.prior_log_prob(z) + log_det

    def _check_x(self, x: torch.Tensor) -> None:
        """TypeError naming ``x`` if it is not a tensor; ValueError if it is not floating or has a NaN or
        ±inf entry (the density at such a point is not a number to sum)."""
        check_floating("x", x)
        check_finite("x", x)

    def sample(self, n: int, *, temperature: float = 1.0,
               generator: torch.Generator | None = None) -> torch.Tensor:
        """``n`` draws ``(n, D)``: the inverse of z = temperature * eps, eps from the prior."""
        n = integer("n", n, minimum=0)
        t = positive_number("temperature", temperature)
        check_generator(generator)
        ref = self.scaling.log_scale
        shape = (n, self.dim)
        if self.prior == "gaussian":
            gen_device = generator.device if generator is not None else ref.device
            eps = torch.randn(shape, generator=generator, dtype=ref.dtype, device=gen_device)
        else:
            eps = sample_standard_logistic(shape, generator=generator, dtype=ref.dtype)
        x, _ = self.inverse(t * eps.to(ref.device))
        return x

    def extra_repr(self) -> str:
        return f"dim={self.dim}, prior={self.prior!r}"
