"""The models' training losses use the stable forms: a saturated pixel costs its logit, and a far latent its |h|.

Every registered model with a Bernoulli (cross-entropy) reconstruction is run with its decoder's
logits pushed to saturation, ``+s`` where the pixel is 0 and ``-s`` where it is 1 (every pixel
confidently wrong: float32 ``sigmoid`` is exactly 0 or 1 from |l| = 16.6 on). A loss computed from
logits, ``softplus(l) - x l``, grows by exactly ``s2 - s1`` per pixel when s goes from 30 to 90; BCE on
sigmoid outputs stays at PyTorch's clamp of 100 nats a pixel, and ``log(p + 1e-10)`` at 23, both
flat. The oracle recomputes the reconstruction term in float64 from the logits the model used
(captured), with the model's reduction (a sum over pixels for the VAEs, a mean over pixels and batch
for the autoencoders), so the encoder's terms (KL, sparsity, contraction) cancel in the difference.
NICE's loss at inputs whose latents pass |h| = 88 (``exp(h)`` overflows float32) equals its float64
value with the logistic prior written as ``-|h| - 2 log1p(exp(-|h|))``.
"""

from __future__ import annotations

import copy

import pytest
import torch

from genspec.models import registry

pytestmark = pytest.mark.area("models")

GAUSSIAN_DECODERS = {
    "conv_vae": "seed 004's Gaussian decoder: mean-squared error on sigmoid means, no log of a probability",
    "seq2seq_ae": "mean-squared error on the LSTM's outputs",
}
"""Registered models whose reconstruction is not a cross-entropy, and why they are left out."""

HOOK = {"gaussian_vae": "decode", "categorical_vae": "decode", "autoencoder": "decode_logits"}
"""The method that returns a model kind's Bernoulli logits."""

PIXELS_SUMMED = {"gaussian_vae", "categorical_vae"}  # -ELBO in nats per image; autoencoders: per-pixel mean

BERNOULLI = [name for name in registry.names()
             if registry.get(name).kind in HOOK and name not in GAUSSIAN_DECODERS]


def _binary_batch() -> torch.Tensor:
    g = torch.Generator().manual_seed(0)
    return (torch.rand((4, 1, 28, 28), generator=g) < 0.3).float()


def _saturated_loss(model: torch.nn.Module, hook: str, x: torch.Tensor, s: float) -> tuple[torch.Tensor, torch.Tensor]:
    """The training loss with the logits shifted by ``s`` towards the wrong answer, and those logits."""
    original = getattr(model, hook)
    sign = (1 - 2 * x).reshape(x.shape[0], -1)  # +1 where x = 0, -1 where x = 1
    captured: list[torch.Tensor] = []

    def shifted(*args, **kwargs):
        out = original(*args, **kwargs)
        out = out + s * sign.reshape(out.shape).to(out.dtype)
        captured.append(out.detach())
        return out

    setattr(model, hook, shifted)  # an instance attribute shadows the method
    try:
        loss, _ = model.training_loss(x, generator=torch.Generator().manual_seed(1), step=10**9)
    finally:
        delattr(model, hook)
    assert len(captured) == 1, f"{hook} was called {len(captured)} times in one training_loss"
    return loss, captured[0]


def _reconstruction64(logits: torch.Tensor, x: torch.Tensor, *, summed: bool) -> torch.Tensor:
    """``softplus(l) - x l`` in float64, summed over pixels and averaged over the batch, or averaged over both."""
    l64, x64 = logits.double().reshape(x.shape[0], -1), x.double().reshape(x.shape[0], -1)
    bce = torch.logaddexp(torch.zeros_like(l64), l64) - x64 * l64
    return bce.sum(-1).mean() if summed else bce.mean()


@pytest.mark.parametrize("name", BERNOULLI)
def test_training_loss_charges_a_saturated_pixel_its_logit(name):
    spec = registry.get(name)
    torch.manual_seed(0)
    model = spec.make_model()
    hook = HOOK[spec.kind]
    x = _binary_batch()
    with torch.no_grad():
        loss1, logits1 = _saturated_loss(model, hook, x, 30.0)
        loss2, logits2 = _saturated_loss(model, hook, x, 90.0)
    assert bool(torch.isfinite(loss1)) and bool(torch.isfinite(loss2)), f"{name}: losses {loss1}, {loss2}"
    summed = spec.kind in PIXELS_SUMMED
    expected = _reconstruction64(logits2, x, summed=summed) - _reconstruction64(logits1, x, summed=summed)
    got = float(loss2) - float(loss1)
    assert abs(got - float(expected)) <= 1e-3 * abs(float(expected)), (
        f"{name}: moving every pixel's logit from 30 to 90 nats the wrong way changed the loss by {got:.6g}, "
        f"not {float(expected):.6g}: the reconstruction term is not computed from logits (a clamped log of "
        f"a sigmoid, or log(p + eps), caps a saturated pixel's cost)")


def test_nice_loss_is_finite_and_exact_for_latents_beyond_exp_overflow():
    spec = registry.get("nice")
    torch.manual_seed(0)
    model = spec.build(**{**spec.kwargs, "couplings": 2, "hidden": 16, "depth": 1})
    x = torch.linspace(-1.0, 1.0, 2 * 784).reshape(2, 1, 28, 28) * 1e3
    with torch.no_grad():
        model.flow.scaling.log_scale.fill_(1.0)
        loss, _ = model.training_loss(x, generator=None)
        model64 = copy.deepcopy(model).double()
        z, logdet = model64.flow(x.double().flatten(1))
    assert float(z.abs().max()) > 88.0, "test setup: the latents must pass |h| = 88"
    prior = -(z.abs() + 2 * torch.log1p(torch.exp(-z.abs()))).sum(-1)
    expected = -(prior + logdet).mean()
    assert bool(torch.isfinite(loss)), f"NICE loss {float(loss)} at latents up to |h| = {float(z.abs().max()):.3g}"
    assert abs(float(loss) - float(expected)) <= 1e-4 * abs(float(expected)), (float(loss), float(expected))
