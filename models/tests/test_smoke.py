"""Smoke path: every registered model trains a few steps and is evaluated on 200 test images, on CPU.

Tiny synthetic data (``conftest.fake_root``), a few steps, small k: this checks that each model,
its loss, the loop, the checkpoint and the evaluation run end to end and give finite numbers in
the expected units; it is not a check of what the models learn (that is ``docs/results.md``).
"""

from __future__ import annotations

import json
import math

import pytest
import torch

from genspec.models import registry
from genspec.models.evaluation import evaluate_model
from genspec.models.training import TrainConfig, load_checkpoint, train

pytestmark = pytest.mark.area("models")

# Smaller than the defaults only where the default would take seconds on a CPU (NICE keeps the
# paper's 4 x (5 x 1000) architecture; only the batch is small).
STEPS, BATCH = 3, 16


# The models that take seconds to train even for three steps run in the slow pass.
SLOW_MODELS = {"nice", "conv_vae"}


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in SLOW_MODELS else n
                                  for n in registry.names()])
def test_model_trains_and_evaluates(name, fake_train, fake_test, tmp_path):
    spec = registry.get(name)
    summary = train(TrainConfig(model=name, steps=STEPS, batch_size=BATCH, device="cpu", out=str(tmp_path),
                                progress=False), train_split=fake_train)
    assert summary["steps"] == STEPS
    state = load_checkpoint(tmp_path / "checkpoint.pt")
    model = spec.build(**state["config"]["kwargs"])
    model.load_state_dict(state["model"])
    metrics = evaluate_model(spec, model, fake_test, device=torch.device("cpu"), iwae_k=2, step=STEPS)
    numbers = {k: v for k, v in metrics.items() if isinstance(v, float)}
    assert numbers and all(math.isfinite(v) for v in numbers.values()), metrics
    if spec.kind == "flow":
        assert metrics["bits_per_dim"] > 0
    if spec.kind == "gaussian_vae":
        # The IWAE bound is a lower bound on log p(x); -ELBO is an upper bound on -log p(x) in expectation.
        assert metrics["iwae_log_px_nats"] < 0 or spec.name == "conv_vae"
    if spec.kind == "autoencoder" and "per_pixel_bce" in metrics:
        assert 0 < metrics["per_pixel_entropy_floor"] <= metrics["per_pixel_bce"] < 5


@pytest.mark.slow
def test_cli_train_then_evaluate_writes_metrics_and_figures(fake_root, tmp_path, capsys):
    from genspec.cli import main

    out = tmp_path / "run"
    code = main(["train", "vae2d", "--steps", "4", "--batch-size", "32", "--device", "cpu", "--data-dir",
                 str(fake_root), "--out", str(out), "--no-progress", "--checkpoint-every", "2"])
    assert code == 0, capsys.readouterr().err
    code = main(["evaluate", "vae2d", "--checkpoint", str(out / "checkpoint.pt"), "--iwae-k", "5", "--limit", "100",
                 "--data-dir", str(fake_root), "--device", "cpu", "--figures", str(tmp_path / "fig")])
    assert code == 0, capsys.readouterr().err
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["test_examples"] == 100 and metrics["iwae_k"] == 5 and metrics["train_steps"] == 4
    names = sorted(p.name for p in (tmp_path / "fig").iterdir())
    assert names == ["vae2d_latent_scatter.png", "vae2d_manifold.png", "vae2d_reconstructions.png"]
    assert all((tmp_path / "fig" / n).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for n in names)
