r"""PNG figures of the reference models (matplotlib, Agg backend; no display needed).

- ``reconstructions``: test images (top row) and their reconstructions (bottom row); seed 001's
  comparison figure.
- ``latent_scatter``: the 2-d posterior means ``mu`` of test images coloured by class; seed 001's
  ``plt.scatter(x_test_encoded[:, 0], x_test_encoded[:, 1], c=y_test)``.
- ``manifold``: the decoder's mean image over a 15 x 15 grid of the 2-d latent space. The grid is
  ``Phi^{-1}(linspace(0.05, 0.95, 15))`` per axis (quantiles of the N(0, 1) prior), not seed 001's
  ``np.linspace(-15, 15, n) * epsilon_std``, which spans +-15 prior standard deviations unless
  ``epsilon_std = 0.01`` (a value the listing does not show), and decodes mostly the prior's tails.
- ``image_grid``: samples, e.g. NICE at temperature 1.0 and 0.8 (seed 003, "退火参数").
- ``tau_sweep``: the mean L1 distance between a Gumbel-Softmax sample and the one-hot of
  ``argmax(logits + g)`` (the same Gumbel noise g), against the temperature tau:
  ``mean | softmax((logits + g) / tau) - one_hot(argmax(logits + g)) |_1``, which goes to 0 as
  tau -> 0 and to ``2 (1 - 1/K)`` as tau -> infinity (Jang et al. 2017, Figure 1).

References: seed 001 (figures of the Keras autoencoder blog post), seed 003, Jang et al. 2017.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import torch
from torch.nn import functional as F

__all__ = ["image_grid", "latent_scatter", "manifold", "reconstructions", "tau_sweep", "tau_sweep_distances"]


def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _save(fig: Any, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100, bbox_inches="tight")
    _plt().close(fig)
    return path


def _tile(images: torch.Tensor, rows: int, cols: int) -> torch.Tensor:
    """``(rows * cols, 1, H, W)`` -> one ``(rows * H, cols * W)`` image."""
    _, _, h, w = images.shape
    return images[:, 0].reshape(rows, cols, h, w).permute(0, 2, 1, 3).reshape(rows * h, cols * w)


def reconstructions(x: torch.Tensor, xhat: torch.Tensor, path: str | Path, *, n: int = 10, title: str = "") -> Path:
    """Originals over reconstructions; ``x, xhat: (B, 1, 28, 28)`` in [0, 1], first ``n`` shown."""
    n = min(n, x.shape[0])
    grid = _tile(torch.cat([x[:n], xhat[:n]]).detach().float().cpu(), 2, n)
    plt = _plt()
    fig, ax = plt.subplots(figsize=(n, 2.2))
    ax.imshow(grid.numpy(), cmap="gray", vmin=0, vmax=1)
    ax.set_axis_off()
    ax.set_title(title or "test images (top) and reconstructions (bottom)")
    return _save(fig, path)


def latent_scatter(z: torch.Tensor, labels: torch.Tensor, path: str | Path, *, title: str = "") -> Path:
    """Scatter of 2-d codes ``z: (B, 2)`` coloured by ``labels: (B,)``."""
    if z.shape[-1] != 2:
        raise ValueError(f"z has {z.shape[-1]} dimensions, but should have 2")
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 6))
    sc = ax.scatter(z[:, 0].cpu().numpy(), z[:, 1].cpu().numpy(), c=labels.cpu().numpy(), cmap="tab10", s=4)
    fig.colorbar(sc, ax=ax)
    ax.set_xlabel("mu_1")
    ax.set_ylabel("mu_2")
    ax.set_title(title or "test set in the 2-d latent space (posterior means)")
    return _save(fig, path)


def manifold(decode: Callable[[torch.Tensor], torch.Tensor], path: str | Path, *, n: int = 15,
             device: torch.device | str = "cpu") -> Path:
    """Decoded ``n x n`` grid of prior quantiles; ``decode: (n * n, 2) -> (n * n, 1, 28, 28)`` in [0, 1]."""
    q = torch.distributions.Normal(0.0, 1.0).icdf(torch.linspace(0.05, 0.95, n))
    z2, z1 = torch.meshgrid(q.flip(0), q, indexing="ij")  # rows: z_2 from top (high) to bottom
    z = torch.stack([z1.reshape(-1), z2.reshape(-1)], dim=-1).to(device)
    with torch.no_grad():
        images = decode(z).float().cpu()
    plt = _plt()
    fig, ax = plt.subplots(figsize=(10, 10))
    ax.imshow(_tile(images, n, n).numpy(), cmap="gray", vmin=0, vmax=1)
    ax.set_axis_off()
    ax.set_title(f"{n} x {n} decoded manifold, z at N(0, 1) quantiles 0.05 ... 0.95")
    return _save(fig, path)


def image_grid(images: torch.Tensor, path: str | Path, *, cols: int = 10, title: str = "") -> Path:
    """Tile ``images: (B, 1, H, W)`` in [0, 1] into rows of ``cols``."""
    rows = images.shape[0] // cols
    if rows < 1:
        raise ValueError(f"images has {images.shape[0]} images, but should have at least cols={cols}")
    plt = _plt()
    fig, ax = plt.subplots(figsize=(cols, rows))
    ax.imshow(_tile(images[:rows * cols].detach().float().cpu(), rows, cols).numpy(), cmap="gray", vmin=0, vmax=1)
    ax.set_axis_off()
    ax.set_title(title)
    return _save(fig, path)


def tau_sweep_distances(logits: torch.Tensor, taus: torch.Tensor, *,
                        generator: torch.Generator | None) -> torch.Tensor:
    """Mean L1 distance to one-hot for each tau: ``logits (..., K)``, ``taus (T,)`` -> ``(T,)``."""
    from genspec.reference import gumbel_softmax, sample_gumbel

    g = sample_gumbel(logits.shape, generator=generator, dtype=logits.dtype, device=logits.device)
    one_hot = F.one_hot((logits + g).argmax(-1), logits.shape[-1]).to(logits.dtype)
    return torch.stack([(gumbel_softmax(logits, float(t), gumbels=g) - one_hot).abs().sum(-1).mean() for t in taus])


def tau_sweep(logits: torch.Tensor, path: str | Path, *, generator: torch.Generator | None,
              taus: torch.Tensor | None = None, title: str = "") -> Path:
    """Plot ``tau_sweep_distances`` against tau (log axis) for encoder ``logits (..., K)``."""
    taus = taus if taus is not None else torch.logspace(-2, 1, 25)
    with torch.no_grad():
        d = tau_sweep_distances(logits, taus, generator=generator).cpu()
    k = logits.shape[-1]
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.semilogx(taus.numpy(), d.numpy(), marker="o")
    ax.axhline(2 * (1 - 1 / k), linestyle="--", color="gray", label=f"tau -> inf: 2(1 - 1/K), K={k}")
    ax.set_xlabel("temperature tau")
    ax.set_ylabel("mean L1 distance to one-hot")
    ax.set_title(title or "Gumbel-Softmax samples approach one-hot as tau -> 0")
    ax.legend()
    return _save(fig, path)


def model_figures(kind: str, name: str, model: torch.nn.Module, x: torch.Tensor, labels: torch.Tensor,
                  out_dir: str | Path, *, device: torch.device, seed: int = 0, step: int = 0) -> list[Path]:
    """The figures of one trained model of ``kind`` (``models.registry.KINDS``) from test ``x, labels``."""
    out_dir = Path(out_dir)
    x = x.to(device)
    written: list[Path] = []
    gen = torch.Generator(device=device).manual_seed(seed)
    model.eval()
    with torch.no_grad():
        if hasattr(model, "reconstruct"):
            written.append(reconstructions(x.cpu(), model.reconstruct(x[:10]).clamp(0, 1).cpu(),
                                           out_dir / f"{name}_reconstructions.png", title=f"{name}: test images "
                                           "(top) and reconstructions (bottom)"))
        if kind == "gaussian_vae" and getattr(model, "latent", None) == 2:
            mu, _ = model.encode(x)
            written.append(latent_scatter(mu.cpu(), labels, out_dir / f"{name}_latent_scatter.png"))
            decode = model.decode_mean if hasattr(model, "decode_mean") else model.decode
            written.append(manifold(decode, out_dir / f"{name}_manifold.png", device=device))
        if kind == "flow":
            for t in (1.0, 0.8):
                s = model.sample(50, temperature=t, generator=gen)
                written.append(image_grid(s, out_dir / f"{name}_samples_t{t}.png",
                                          title=f"{name} samples, temperature {t}"))
        if kind == "categorical_vae":
            logits = model.encode(x)
            written.append(tau_sweep(logits, out_dir / f"{name}_tau_sweep.png", generator=gen,
                                     title=f"{name}: Gumbel-Softmax on encoder logits, tau sweep"))
    return written
