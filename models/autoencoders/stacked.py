r"""The stacked autoencoder: trained greedily layer by layer, then fine-tuned end to end.

Layer k is a one-hidden-layer autoencoder of its input h_{k−1} (h_0 = x):

    h_k = sigmoid(W_k h_{k−1} + b_k),     ĥ_{k−1} = sigmoid(V_k h_k + c_k)

Greedy phase k (k = 0 .. L−1) trains (W_k, b_k, V_k, c_k) alone to minimise the per-unit BCE of
ĥ_{k−1} against h_{k−1}, where h_{k−1} comes from the layers below, frozen (computed without
gradient, so an optimiser that skips parameters without a gradient leaves them untouched). Then the
stack is fine-tuned end to end on the per-pixel BCE of

    encode(x) = h_L = enc_L(... enc_1(x)),     logits(x) = V_1 sigmoid(V_2 ... sigmoid(V_L h_L))

so right after the greedy phases the stacked model *is* the composition of its trained layers.
Sigmoid units throughout (Bengio et al. 2007), so every layer's input lies in [0, 1] and the
cross-entropy is a proper reconstruction loss at every level. Sizes 784-128-64-32 follow seed 001's
deep autoencoder.

``training_loss(x, step=s)`` follows the schedule: phase ``min(s // pretrain_steps, L)``, L meaning
fine-tuning; ``step=None`` (evaluation) is the end-to-end loss. ``greedy_pretrain`` runs the greedy
phases on its own.

References:
    Bengio, Lamblin, Popovici, Larochelle, Greedy Layer-Wise Training of Deep Networks, NIPS 19
    (2006 conference, proceedings 2007): greedy layer-wise training with auto-associators, then
    supervised or unsupervised fine-tuning.
    Seed 002 (002_5243b5eda1672e89.txt), section "其他 AutoEncoder" (Stacked AutoEncoder).
"""

from __future__ import annotations

from typing import Callable, Iterable

import torch
from torch import nn
from torch.nn import functional as F

from genspec.models.autoencoders.base import Autoencoder, int_option, sizes_option
from genspec.models.autoencoders.losses import pixel_bce

__all__ = ["LayerAE", "StackedAE", "greedy_pretrain"]


class LayerAE(nn.Module):
    """One level of the stack: ``n_in -> n_out -> n_in`` with sigmoid units."""

    def __init__(self, n_in: int, n_out: int) -> None:
        super().__init__()
        self.encoder = nn.Linear(n_in, n_out)
        self.decoder = nn.Linear(n_out, n_in)

    def encode(self, h: torch.Tensor) -> torch.Tensor:
        """``(B, n_in) -> (B, n_out)`` in (0, 1)."""
        return torch.sigmoid(self.encoder(h))

    def decode_logits(self, code: torch.Tensor) -> torch.Tensor:
        """``(B, n_out) -> (B, n_in)`` logits."""
        return self.decoder(code)


class StackedAE(Autoencoder):
    """Stack of ``LayerAE`` over ``sizes`` (784, 128, 64, 32), greedy schedule of ``pretrain_steps`` per layer."""

    def __init__(self, sizes: tuple[int, ...] = (784, 128, 64, 32), *, pretrain_steps: int = 1000) -> None:
        super().__init__()
        sizes = sizes_option("sizes", sizes)
        pretrain_steps = int_option("pretrain_steps", pretrain_steps, minimum=0)
        self.input_shape = (sizes[0],)
        self.sizes, self.pretrain_steps = sizes, pretrain_steps
        self.layers = nn.ModuleList(LayerAE(a, b) for a, b in zip(sizes[:-1], sizes[1:]))

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, ...) -> (B, sizes[-1])``: the encoders applied in order."""
        h = self.prepare(x)
        for layer in self.layers:
            h = layer.encode(h)
        return h

    def decode_logits(self, code: torch.Tensor) -> torch.Tensor:
        """``(B, sizes[-1]) -> (B, sizes[0])``: the decoders in reverse order; logits of the last."""
        h = code
        for layer in list(self.layers)[:0:-1]:
            h = torch.sigmoid(layer.decode_logits(h))
        return self.layers[0].decode_logits(h)

    def phase(self, step: int | None) -> int:
        """The greedy phase of ``step``: 0 .. L−1 pretrain that layer, L fine-tunes (also for None)."""
        if step is None:
            return len(self.layers)
        return min(step // self.pretrain_steps, len(self.layers)) if self.pretrain_steps else len(self.layers)

    def layer_input(self, k: int, x: torch.Tensor) -> torch.Tensor:
        """h_{k}'s input h_{k−1}: ``x`` through the frozen encoders below layer k, without gradient."""
        with torch.no_grad():
            h = self.prepare(x)
            for layer in list(self.layers)[:k]:
                h = layer.encode(h)
        return h

    def layer_loss(self, k: int, x: torch.Tensor) -> torch.Tensor:
        """Greedy phase k: per-unit BCE of layer k reconstructing its input."""
        if not 0 <= k < len(self.layers):
            raise ValueError(f"k={k}, but should be a layer index in [0, {len(self.layers)})")
        h = self.layer_input(k, x)
        return F.binary_cross_entropy_with_logits(self.layers[k].decode_logits(self.layers[k].encode(h)), h)

    def training_loss(self, x: torch.Tensor, *, generator: torch.Generator | None = None,
                      step: int | None = None) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """The schedule's loss at ``step``: a layer's reconstruction, or the end-to-end per-pixel BCE."""
        k = self.phase(step)
        if k < len(self.layers):
            loss = self.layer_loss(k, x)
            return loss, {"layer_bce": loss.detach(), "phase": torch.tensor(k)}
        xp = self.prepare(x)
        bce = pixel_bce(self.logits(xp), xp)
        return bce, {"bce": bce.detach(), "phase": torch.tensor(k)}


def greedy_pretrain(
    model: StackedAE,
    batches: Iterable[torch.Tensor],
    *,
    steps_per_layer: int,
    make_optimizer: Callable[[Iterable[nn.Parameter]], torch.optim.Optimizer] = lambda p: torch.optim.Adam(p, lr=1e-3),
) -> list[float]:
    """Train each layer of ``model`` in turn on the codes of the layers below; returns final losses.

    ``batches`` is cycled through; each layer gets its own optimiser over its own parameters only,
    so a layer is never changed after its phase.
    """
    steps_per_layer = int_option("steps_per_layer", steps_per_layer)
    data = list(batches)
    if not data:
        raise ValueError("batches is empty")
    finals = []
    for k, layer in enumerate(model.layers):
        opt = make_optimizer(layer.parameters())
        for s in range(steps_per_layer):
            opt.zero_grad(set_to_none=True)
            loss = model.layer_loss(k, data[s % len(data)])
            loss.backward()
            opt.step()
        finals.append(float(loss.detach()))
    return finals
