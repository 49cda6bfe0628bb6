"""Checkpoints: plain tensors and containers (``weights_only=True``), written atomically."""

from __future__ import annotations

import pytest
import torch

from genspec.models import training
from genspec.models.training import TrainConfig, load_checkpoint, save_checkpoint, train

pytestmark = pytest.mark.area("models")


def test_checkpoint_loads_with_weights_only(fake_train, tmp_path):
    train(TrainConfig(model="gumbel_vae", steps=2, batch_size=16, device="cpu", out=str(tmp_path), progress=False),
          train_split=fake_train)
    state = torch.load(tmp_path / "checkpoint.pt", weights_only=True)
    assert state["step"] == 2 and state["config"]["model"] == "gumbel_vae"
    assert set(state) >= {"model", "optimizer", "rng", "order", "epoch", "position", "history"}


def test_a_failed_save_leaves_the_previous_checkpoint_intact(tmp_path, monkeypatch):
    path = tmp_path / "checkpoint.pt"
    save_checkpoint({"format": training.CHECKPOINT_FORMAT, "step": 1}, path)

    def crash(obj, f, *args, **kwargs):
        f.write(b"partial garbage")
        raise OSError("disk full")

    monkeypatch.setattr(torch, "save", crash)
    with pytest.raises(OSError, match="disk full"):
        save_checkpoint({"format": training.CHECKPOINT_FORMAT, "step": 2}, path)
    monkeypatch.undo()
    assert load_checkpoint(path)["step"] == 1


def test_checkpoint_of_another_format_is_refused(tmp_path):
    torch.save({"format": 999}, tmp_path / "c.pt")
    with pytest.raises(ValueError, match="format"):
        load_checkpoint(tmp_path / "c.pt")
