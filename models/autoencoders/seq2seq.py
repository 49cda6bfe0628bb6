r"""Seed 001's LSTM sequence-to-sequence autoencoder: encode to a vector, repeat it, decode.

    code = last hidden state of LSTM_enc(x)            x: (B, T, F) -> code: (B, latent)
    y = LSTM_dec(repeat(code, T))                      (B, T, latent) -> (B, T, F)

as in the seed's Keras listing (``LSTM(latent_dim)``, ``RepeatVector(timesteps)``,
``LSTM(input_dim, return_sequences=True)``): the decoder LSTM's hidden size is the feature size F
and its hidden states are the output, so outputs lie in (−1, 1). The listing's
``LSTM(input, return_sequences=True)`` passes Python's builtin ``input``; ``input_dim`` is meant. The
seed compiles no loss; this model minimises the mean squared error. On 28x28 images the rows are
the T = 28 time steps of F = 28 features.

References:
    Seed 001 (001_b5504797ad883274.txt), section "序列到序列的自动编码器".
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from genspec.models.autoencoders.base import Autoencoder, int_option

__all__ = ["Seq2SeqAE"]


class Seq2SeqAE(Autoencoder):
    """LSTM autoencoder of ``(B, timesteps, input_dim)`` sequences with a ``latent``-dimensional code."""

    def __init__(self, *, timesteps: int = 28, input_dim: int = 28, latent: int = 32) -> None:
        super().__init__()
        timesteps, input_dim = int_option("timesteps", timesteps), int_option("input_dim", input_dim)
        latent = int_option("latent", latent)
        self.input_shape = (timesteps, input_dim)
        self.timesteps = timesteps
        self.encoder = nn.LSTM(input_dim, latent, batch_first=True)
        self.decoder = nn.LSTM(latent, input_dim, batch_first=True)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, ...) -> (B, latent)``: the encoder's final hidden state."""
        _, (h_n, _) = self.encoder(self.prepare(x))
        return h_n[-1]

    def decode(self, code: torch.Tensor) -> torch.Tensor:
        """``(B, latent) -> (B, timesteps, input_dim)`` in (−1, 1)."""
        repeated = code.unsqueeze(1).expand(-1, self.timesteps, -1)  # RepeatVector(timesteps)
        out, _ = self.decoder(repeated)
        return out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The reconstruction, shaped like ``x``."""
        return self.decode(self.encode(x)).reshape(x.shape)

    def training_loss(self, x: torch.Tensor, *, generator: torch.Generator | None = None,
                      step: int | None = None) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """Mean squared reconstruction error."""
        xp = self.prepare(x)
        mse = F.mse_loss(self.decode(self.encode(xp)), xp)
        return mse, {"mse": mse.detach()}
