r"""Test-set evaluation of the reference models in the units of their papers.

- flow (NICE): test log-likelihood of dequantized images in nats per image, and bits/dim
  ``(D ln 256 - log p) / (D ln 2)`` (Dinh et al. 2015, Table 1; Theis et al. 2016).
- Gaussian-latent VAEs: the single-sample negative ELBO (nats per image) and the
  importance-sampled estimate of log p(x), the IWAE bound with k samples from q(z|x)
  (Burda et al. 2016, Eq. 8 and Section 5, k = 5000):

      log p(x) ~ logsumexp_i [log p(x|z_i) + log p(z_i) - log q(z_i|x)] - log k,   z_i ~ q(z|x)

  computed in chunks of samples (at most ``max_rows`` decoder rows at a time), the k log-weights
  combined with ``iwae_bound`` (a logsumexp). The conv VAE also reports the seed's loss.
- categorical VAE: the discrete negative ELBO (one-hot y ~ q(y|x)) and the relaxed objective
  at the final temperature (Jang et al. 2017, Table 2).
- autoencoders: the model's own loss (with its regulariser, as Keras reports validation losses)
  and, for those with a Bernoulli output, the per-pixel binary cross-entropy, mean over pixels
  and images (Keras's ``binary_crossentropy``, seed 001's 0.11 / 0.10 / 0.097 / 0.094), beside
  the BCE floor of a perfect reconstruction of grey-level pixels (their mean binary entropy).

Test randomness (binarization, dequantization, latent samples) comes from generators seeded
with ``seed``, so an evaluation is reproducible.

References: Burda, Grosse & Salakhutdinov, Importance Weighted Autoencoders, arXiv:1509.00519;
seeds 000, 001, 003, 004.
"""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

from genspec.models.data import Split, transform_batch
from genspec.models.registry import ModelSpec
from genspec.reference import bits_per_dim, gumbel_softmax, iwae_bound, kl_normal_std, log_normal, reparameterize

__all__ = ["evaluate_model", "iwae_log_likelihood", "test_batches"]


def test_batches(split: Split, transform: str, *, batch_size: int,
                 seed: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """The test split as ``(x (B, 1, 28, 28), labels (B,))`` batches, transformed reproducibly."""
    gen = torch.Generator().manual_seed(seed)
    out = []
    for start in range(0, len(split), batch_size):
        images = split.images[start:start + batch_size]
        out.append((transform_batch(images, transform, generator=gen).unsqueeze(1),
                    split.labels[start:start + batch_size]))
    return out


@torch.no_grad()
def iwae_log_likelihood(model: nn.Module, x: torch.Tensor, *, k: int, generator: torch.Generator | None,
                        max_rows: int = 1 << 16) -> torch.Tensor:
    """IWAE estimate of ``log p(x)`` per example, ``(B,)``, with ``k`` importance samples.

    ``model`` offers ``encode(x) -> (mu, logvar)``, ``log_px_given_z(x, z)`` and ``log_prior(z)``.
    """
    if k < 1:
        raise ValueError(f"k={k}, but should be a positive number of importance samples")
    mu, logvar = model.encode(x)
    b, latent = mu.shape
    chunk = max(1, min(k, max_rows // b))
    log_w = []
    for start in range(0, k, chunk):
        kk = min(chunk, k - start)
        eps = torch.randn((kk, b, latent), generator=generator, dtype=mu.dtype, device=mu.device)
        mu_k, logvar_k = mu.expand(kk, b, latent), logvar.expand(kk, b, latent)
        z = reparameterize(mu_k, logvar_k, eps)
        log_w.append(model.log_px_given_z(x, z) + model.log_prior(z) - log_normal(z, mu_k, logvar_k))
    return iwae_bound(torch.cat(log_w, dim=0))


def _bernoulli_logits(model: nn.Module, x: torch.Tensor) -> torch.Tensor | None:
    """Reconstruction logits of an autoencoder with a Bernoulli (sigmoid) output, else None."""
    if not (hasattr(model, "logits") and hasattr(model, "prepare")):
        return None
    try:
        return model.logits(model.prepare(x))
    except NotImplementedError:  # e.g. the sequence model, whose output is not a probability
        return None


def _mean(values: list[torch.Tensor]) -> float:
    return float(torch.cat([v.reshape(-1).double().cpu() for v in values]).mean())


@torch.no_grad()
def evaluate_model(spec: ModelSpec, model: nn.Module, split: Split, *, device: torch.device, iwae_k: int = 5000,
                   seed: int = 0, step: int = 0, batch_size: int = 100) -> dict[str, Any]:
    """Metrics of ``model`` on ``split`` (a dict of floats, in the units the module docstring gives)."""
    model.eval()
    batches = test_batches(split, spec.transform, batch_size=batch_size, seed=seed)
    gen = torch.Generator(device=device).manual_seed(seed + 1)
    metrics: dict[str, Any] = {"model": spec.name, "dataset": split.dataset, "test_examples": len(split)}
    if spec.kind == "flow":
        ll = [model.log_prob(x.to(device)) for x, _ in batches]
        mean_ll = _mean(ll)
        dim = batches[0][0][0].numel()
        metrics.update(log_likelihood_nats=mean_ll,
                       bits_per_dim=float(bits_per_dim(torch.tensor(mean_ll, dtype=torch.float64), dim)))
    elif spec.kind == "gaussian_vae":
        nelbo, lpx = [], []
        for x, _ in batches:
            x = x.to(device)
            mu, logvar = model.encode(x)
            eps = torch.randn(mu.shape, generator=gen, dtype=mu.dtype, device=device)
            z = reparameterize(mu, logvar, eps)
            nelbo.append(-model.log_px_given_z(x, z) + kl_normal_std(mu, logvar))
            if iwae_k > 0:
                lpx.append(iwae_log_likelihood(model, x, k=iwae_k, generator=gen))
        metrics["neg_elbo_nats"] = _mean(nelbo)
        if hasattr(model, "seed_loss"):  # the conv VAE: also in the seed's units
            metrics["seed_loss"] = float(model.seed_loss(torch.tensor(metrics["neg_elbo_nats"])))
            metrics["decoder"] = f"Gaussian, sigma^2 = beta * D / 2 = {math.exp(model.log_sigma2):.4g}"
        if iwae_k > 0:
            metrics.update(iwae_log_px_nats=_mean(lpx), iwae_k=iwae_k)
    elif spec.kind == "categorical_vae":
        tau = model.tau(step)
        discrete, relaxed = [], []
        for x, _ in batches:
            x = x.to(device)
            discrete.append(model.discrete_neg_elbo(x, generator=gen))
            logits = model.encode(x)
            y = gumbel_softmax(logits, tau, hard=model.hard, generator=gen)
            relaxed.append(model.neg_elbo(x, y, logits))
        metrics.update(neg_elbo_nats=_mean(discrete), relaxed_neg_elbo_nats=_mean(relaxed), tau=tau)
    elif spec.kind == "autoencoder":
        bce, loss, floor = [], [], []
        for x, _ in batches:
            x = x.to(device)
            loss.append(model.training_loss(x, generator=gen, step=None)[0].reshape(1).expand(x.shape[0]))
            logits = _bernoulli_logits(model, x)
            if logits is not None:  # a Bernoulli decoder: seed 001's per-pixel BCE, and its floor
                xp = x.reshape(logits.shape).to(logits.dtype)
                bce.append(F.binary_cross_entropy_with_logits(logits, xp, reduction="none").flatten(1).mean(1))
                floor.append((-(torch.xlogy(x, x) + torch.xlogy(1 - x, 1 - x))).flatten(1).mean(1))
        metrics["loss"] = _mean(loss)
        if bce:
            metrics.update(per_pixel_bce=_mean(bce), per_pixel_entropy_floor=_mean(floor))
    else:
        raise ValueError(f"spec.kind={spec.kind!r} is not a kind this evaluation knows")
    return metrics
