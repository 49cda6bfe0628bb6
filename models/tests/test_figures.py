"""Figures: each writes a PNG; the tau sweep's distances have the limits the docstring states."""

from __future__ import annotations

import pytest
import torch

from genspec.models import figures

pytestmark = pytest.mark.area("models")

PNG = b"\x89PNG\r\n\x1a\n"


def test_tau_sweep_distance_goes_from_zero_to_the_uniform_limit():
    logits = torch.randn(500, 10, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    taus = torch.tensor([1e-3, 0.1, 1.0, 10.0, 1e4], dtype=torch.float64)
    d = figures.tau_sweep_distances(logits, taus, generator=torch.Generator().manual_seed(1))
    assert d[0] < 0.02 and abs(float(d[-1]) - 2 * (1 - 1 / 10)) < 1e-2
    assert torch.all(d[1:] > d[:-1])  # further from one-hot as tau grows


@pytest.mark.slow
def test_every_figure_writes_a_png(tmp_path):
    x = torch.rand(20, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    paths = [
        figures.reconstructions(x, x.flip(0), tmp_path / "rec.png"),
        figures.latent_scatter(torch.randn(20, 2), torch.arange(20) % 10, tmp_path / "scatter.png"),
        figures.manifold(lambda z: torch.sigmoid(z.sum(-1)).view(-1, 1, 1, 1).expand(-1, 1, 28, 28),
                         tmp_path / "manifold.png"),
        figures.image_grid(x, tmp_path / "grid.png", cols=10),
        figures.tau_sweep(torch.randn(30, 10), tmp_path / "tau.png", generator=torch.Generator().manual_seed(0)),
    ]
    assert all(p.read_bytes()[:8] == PNG for p in paths)
    with pytest.raises(ValueError, match="2"):
        figures.latent_scatter(torch.randn(5, 3), torch.zeros(5), tmp_path / "bad.png")
