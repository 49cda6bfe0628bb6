r"""Seed 003's NICE, ported faithfully from the Keras code the seed links to.

Seed 003 (``003_2bb67353180af150.txt``) gives its formulas as images and no code of its own; its
section "参考代码" points to ``https://github.com/bojone/flow/blob/master/nice.py`` and describes it
(sections "模型细节", "参考代码", "退火参数")::

    加性耦合层需要将输入分为两部分，NICE 采用交错分区，即下标为偶数的作为第一部分，下标为奇数的作为
    第二部分，而每个 m(x) 则简单地用多层全连接（5 个隐藏层，每个层 1000 节点，relu 激活）。
    ...对于加性耦合层，我用了 (9) 式作为前向，(7) 式作为其逆向。

The linked listing (``nice.py``, as stored in the public index) reads, in the parts that define the
model and the loss::

    class AddCouple(Layer):
        def call(self, inputs):
            part1, part2, mpart1 = inputs
            if self.isinverse:
                return [part1, part2 + mpart1] # 逆为加
            else:
                return [part1, part2 - mpart1] # 正为减

    class Scale(Layer):
        def build(self, input_shape):
            self.kernel = self.add_weight(name='kernel', shape=(1, input_shape[1]),
                                          initializer='glorot_normal',
                                          regularizer=lambda x: -K.sum(x), # 行列式对数可以作为正则项加入
                                          trainable=True)
        def call(self, inputs):
            return K.exp(self.kernel) * inputs

    def build_basic_model(v_dim):
        _in = Input(shape=(v_dim,))
        _ = _in
        for i in range(5):
            _ = Dense(1000, activation='relu')(_)
        _ = Dense(v_dim, activation='relu')(_)
        return Model(_in, _)

    # four times: x = shuffle_k(x) (reverse); x1, x2 = split(x) (even / odd); x2 = x2 - m_k(x1);
    # x = concat([x1, x2]); then x = scale(x)
    encoder.compile(loss=lambda y_true,y_pred: K.sum(0.5 * y_pred**2, 1), optimizer='adam')
    ...
    z_sample = np.array(np.random.randn(1, original_dim)) * 0.8 # 标准差取0.8而不是1

Mapping onto the contract (``spec-api.md``, "Flows"):

- ``AdditiveCoupling(mask, net)``: ``forward`` is the seed's encoding direction, which
  *subtracts*: ``y[~mask] = x[~mask] - net(x[mask])``; ``inverse`` adds. (The contract's forward
  adds; the seed swaps (7) and (9) on purpose, so this is a convention, not an erratum.)
- ``Scaling(dim)``: parameter ``log_scale`` (the seed's ``kernel``), initialised like Keras 2.2's
  ``glorot_normal`` for a ``(1, dim)`` weight (truncated normal, std ``sqrt(2 / (1 + dim)) /
  0.8796``), not to zeros.
- ``NICE(dim, *, couplings=4, hidden=1000, depth=5, prior="gaussian")``: per coupling, reverse the
  coordinates, split into even / odd positions, ``x2 -= m(x1)`` with ``m`` a ReLU MLP of ``depth``
  hidden layers whose *output layer is also ReLU*, merge; then ``Scaling``. Dense layers use Keras's
  ``glorot_uniform`` weights and zero biases. Only the Gaussian prior exists in the seed's code
  (``prior="logistic"`` raises ``ValueError``). ``log_prob(x)`` is minus the seed's loss,
  ``-(0.5 * |z|^2 - sum(log_scale))``, which omits ``-(dim / 2) * log(2 pi)`` and so is not a log
  density. ``sample(n, temperature=1.0)``: the seed samples with standard deviation 0.8.

``bits_per_dim`` is not defined by the seed and is absent.
"""

from __future__ import annotations

import math

import torch
import torch.nn as nn
from torch import Tensor

__all__ = ["AdditiveCoupling", "Scaling", "NICE", "seed_loss"]

_GLOROT_TRUNC = 0.87962566103423978  # Keras: stddev of a unit normal truncated at ±2


class AdditiveCoupling(nn.Module):
    """The seed's ``AddCouple``: forward ``x2 - m(x1)`` (encoding), inverse ``x2 + m(x1)``."""

    def __init__(self, mask: Tensor, net: nn.Module) -> None:
        super().__init__()
        self.register_buffer("mask", torch.as_tensor(mask, dtype=torch.bool))
        self.net = net

    def _couple(self, x: Tensor, sign: float) -> tuple[Tensor, Tensor]:
        y = x.clone()
        y[..., ~self.mask] = x[..., ~self.mask] + sign * self.net(x[..., self.mask])
        return y, x.new_zeros(x.shape[:-1])

    def forward(self, x: Tensor) -> tuple[Tensor, Tensor]:
        return self._couple(x, -1.0)

    def inverse(self, y: Tensor) -> tuple[Tensor, Tensor]:
        return self._couple(y, +1.0)


class Scaling(nn.Module):
    """The seed's ``Scale``: ``exp(kernel) * x``; ``kernel`` (here ``log_scale``) is glorot-normal."""

    def __init__(self, dim: int) -> None:
        super().__init__()
        std = math.sqrt(2.0 / (1 + dim)) / _GLOROT_TRUNC
        self.log_scale = nn.Parameter(nn.init.trunc_normal_(torch.empty(dim), std=std, a=-2 * std, b=2 * std))

    def forward(self, x: Tensor) -> tuple[Tensor, Tensor]:
        return torch.exp(self.log_scale) * x, self.log_scale.sum().expand(x.shape[:-1]).to(x.dtype)

    def inverse(self, z: Tensor) -> tuple[Tensor, Tensor]:
        return torch.exp(-self.log_scale) * z, (-self.log_scale.sum()).expand(z.shape[:-1]).to(z.dtype)


def _keras_dense(n_in: int, n_out: int) -> nn.Linear:
    layer = nn.Linear(n_in, n_out)
    nn.init.xavier_uniform_(layer.weight)  # Keras's default glorot_uniform
    nn.init.zeros_(layer.bias)
    return layer


def _basic_model(v_dim: int, hidden: int, depth: int) -> nn.Sequential:
    """``build_basic_model``: ``depth`` ReLU layers of ``hidden`` units, then a ReLU output layer."""
    layers: list[nn.Module] = []
    n_in = v_dim
    for _ in range(depth):
        layers += [_keras_dense(n_in, hidden), nn.ReLU()]
        n_in = hidden
    layers += [_keras_dense(n_in, v_dim), nn.ReLU()]
    return nn.Sequential(*layers)


def seed_loss(z: Tensor, log_scale: Tensor) -> Tensor:
    """The seed's training loss per example: ``sum(0.5 * z^2) - sum(kernel)`` (loss + regulariser)."""
    return torch.sum(0.5 * z**2, dim=-1) - log_scale.sum()


class NICE(nn.Module):
    """The seed's four reversed / even-odd additive couplings with ReLU ``m``, then ``Scale``."""

    def __init__(self, dim: int, *, couplings: int = 4, hidden: int = 1000, depth: int = 5,
                 prior: str = "gaussian") -> None:
        super().__init__()
        if prior != "gaussian":
            raise ValueError(f"prior={prior!r}: seed 003's code has only the Gaussian loss "
                             f"0.5 * |z|^2; it defines no {prior} prior")
        if dim % 2:
            raise ValueError(f"dim={dim}: the seed's SplitVector reshapes to (dim // 2, 2) and needs an even dim")
        self.dim = dim
        self.m = nn.ModuleList([_basic_model(dim // 2, hidden, depth) for _ in range(couplings)])
        self.scale = Scaling(dim)

    @staticmethod
    def _split(x: Tensor) -> tuple[Tensor, Tensor]:
        pairs = x.reshape(*x.shape[:-1], x.shape[-1] // 2, 2)
        return pairs[..., 0], pairs[..., 1]

    @staticmethod
    def _concat(x1: Tensor, x2: Tensor) -> Tensor:
        return torch.stack([x1, x2], dim=-1).reshape(*x1.shape[:-1], 2 * x1.shape[-1])

    def forward(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """Encoding ``z = f(x)`` and ``log|det df/dx|`` (``(*batch,)``)."""
        for m in self.m:
            x1, x2 = self._split(torch.flip(x, dims=[-1]))
            x = self._concat(x1, x2 - m(x1))
        return self.scale(x)

    def inverse(self, z: Tensor) -> tuple[Tensor, Tensor]:
        """Generation ``x = f^{-1}(z)`` and ``log|det df^{-1}/dz|``."""
        x, logdet = self.scale.inverse(z)
        for m in reversed(self.m):
            x1, x2 = self._split(x)
            x = torch.flip(self._concat(x1, x2 + m(x1)), dims=[-1])
        return x, logdet

    def log_prob(self, x: Tensor) -> Tensor:
        """Minus the seed's loss: ``-(0.5 |f(x)|^2 - sum(log_scale))``, no ``(dim/2) log 2pi``."""
        z, _ = self.forward(x)
        return -seed_loss(z, self.scale.log_scale)

    def sample(self, n: int, *, temperature: float = 1.0,
               generator: torch.Generator | None = None) -> Tensor:
        """``f^{-1}(temperature * N(0, I))``; the seed uses ``temperature = 0.8``."""
        p = self.scale.log_scale
        z = torch.randn(n, self.dim, generator=generator, dtype=p.dtype, device=p.device) * temperature
        return self.inverse(z)[0]
