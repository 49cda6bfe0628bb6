"""A NaN or infinite loss stops training with a message that says where and what to try."""

from __future__ import annotations

import dataclasses

import pytest
import torch

from genspec.models import registry, training
from genspec.models.training import NonFiniteLossError, TrainConfig, load_checkpoint, train

pytestmark = pytest.mark.area("models")


class _Diverging(torch.nn.Module):
    """A model whose loss is finite for two steps and then ``value``."""

    def __init__(self, value: float) -> None:
        super().__init__()
        self.w = torch.nn.Parameter(torch.ones(()))
        self.value = value

    def training_loss(self, x, *, generator, step=0):
        loss = self.w * x.mean()
        if step >= 2:
            loss = loss * self.value
        return loss, {}


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_nonfinite_loss_stops_with_a_clear_message(value, fake_train, tmp_path, monkeypatch):
    spec = dataclasses.replace(registry.get("vae"), name="diverging", build=lambda: _Diverging(value), kwargs={})
    monkeypatch.setattr(training, "get", lambda name: spec)
    with pytest.raises(NonFiniteLossError, match=r"loss is (nan|inf) at step 3 .*lower learning rate"):
        train(TrainConfig(model="diverging", steps=10, batch_size=16, device="cpu", out=str(tmp_path),
                          checkpoint_every=1, progress=False), train_split=fake_train)
    # The last checkpoint is the last good step, never a NaN state.
    state = load_checkpoint(tmp_path / "checkpoint.pt")
    assert state["step"] == 2 and torch.isfinite(state["model"]["w"])
