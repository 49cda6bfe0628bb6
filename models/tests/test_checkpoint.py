"""Checkpoint files: weights-only loading, a checksum, atomic writes, the previous checkpoint kept.

Every way a checkpoint file can be damaged (cut short, emptied, overwritten with garbage, one byte
flipped) or hostile (a pickle that would run code) must be refused with a ``CheckpointError`` that
names the file, never with a raw torch error, and never with torch's advice to load with
``weights_only=False`` (which would run the hostile file's code).
"""

from __future__ import annotations

import os

import pytest
import torch

from genspec.models import checkpoints
from genspec.models.checkpoints import (
    CheckpointError, RunDirError, load_checkpoint, load_newest, prepare_run_dir, previous_path, save_checkpoint,
)
from genspec.models.tests.faults import DAMAGES, assert_clear_refusal, damage, make_state
from genspec.models.training import TrainConfig, train

pytestmark = pytest.mark.area("models")


def test_checkpoint_loads_with_weights_only(fake_train, tmp_path):
    train(TrainConfig(model="gumbel_vae", steps=2, batch_size=16, device="cpu", out=str(tmp_path), progress=False),
          train_split=fake_train)
    envelope = torch.load(tmp_path / "checkpoint.pt", weights_only=True)
    assert envelope["format"] == checkpoints.CHECKPOINT_FORMAT
    assert envelope["sha256"] == checkpoints.state_digest(envelope["state"])
    state = load_checkpoint(tmp_path / "checkpoint.pt")
    assert state["step"] == 2 and state["config"]["model"] == "gumbel_vae"
    assert set(state) >= {"model", "optimizer", "rng", "order", "epoch", "position", "history", "loss_ema"}


def test_a_failed_save_leaves_the_previous_checkpoint_intact(tmp_path, monkeypatch):
    path = tmp_path / "checkpoint.pt"
    save_checkpoint(make_state(1), path)

    def crash(obj, f, *args, **kwargs):
        f.write(b"partial garbage")
        raise OSError("disk full")

    monkeypatch.setattr(torch, "save", crash)
    with pytest.raises(OSError, match="disk full"):
        save_checkpoint(make_state(2), path)
    monkeypatch.undo()
    assert load_checkpoint(path)["step"] == 1
    assert not previous_path(path).exists() and not list(tmp_path.glob(".*.tmp"))


def test_save_keeps_the_previous_checkpoint(tmp_path):
    path = tmp_path / "checkpoint.pt"
    for step in (1, 2, 3):
        save_checkpoint(make_state(step), path)
        assert load_checkpoint(path)["step"] == step
    assert previous_path(path).name == "checkpoint.prev.pt" and load_checkpoint(previous_path(path))["step"] == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkpoint.prev.pt", "checkpoint.pt"]


@pytest.mark.parametrize("fmt", [1, 999])
def test_checkpoint_of_another_format_is_refused(fmt, tmp_path):
    torch.save({"format": fmt, "step": 3}, tmp_path / "c.pt")
    with pytest.raises(CheckpointError, match=f"format {fmt}"):
        load_checkpoint(tmp_path / "c.pt")


@pytest.mark.parametrize("how", DAMAGES)
def test_damaged_or_hostile_checkpoint_is_refused_with_a_clear_message(how, tmp_path):
    path, marker = tmp_path / "checkpoint.pt", tmp_path / "code-ran"
    save_checkpoint(make_state(7), path)
    damage(path, how, marker=str(marker))
    with pytest.raises(CheckpointError) as err:
        load_checkpoint(path)
    assert_clear_refusal(err.value, path)
    assert not marker.exists(), "loading the checkpoint ran code from it"


def test_a_missing_or_incomplete_checkpoint_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_checkpoint(tmp_path / "nothing.pt")
    incomplete = make_state(1)
    del incomplete["rng"]
    save_checkpoint(incomplete, tmp_path / "c.pt")
    with pytest.raises(CheckpointError, match="rng"):
        load_checkpoint(tmp_path / "c.pt")


def test_newest_usable_checkpoint_falls_back_to_the_previous_one(tmp_path):
    path = tmp_path / "checkpoint.pt"
    with pytest.raises(FileNotFoundError, match="no checkpoint"):
        load_newest(path)
    save_checkpoint(make_state(6), path)
    save_checkpoint(make_state(7), path)
    assert load_newest(path)[0]["step"] == 7
    damage(path, "flipped-byte")
    state, used, problems = load_newest(path)
    assert (state["step"], used) == (6, previous_path(path))
    assert len(problems) == 1 and "SHA-256" in problems[0] and str(path) in problems[0]
    os.remove(path)  # a kill between the two renames of a save: only the previous one is left
    assert load_newest(path)[0]["step"] == 6
    damage(previous_path(path), "truncated")
    with pytest.raises(CheckpointError, match="no usable checkpoint"):
        load_newest(path)


def test_run_dir_is_created_cleaned_of_stale_temporary_files_and_probed(tmp_path):
    run = tmp_path / "a" / "run"
    assert prepare_run_dir(run) == []
    stale = [run / ".checkpoint.pt.12345.tmp", run / ".checkpoint.pt.999.tmp", run / ".train.json.77.tmp"]
    for p in stale:
        p.write_bytes(b"half a checkpoint")
    (run / "keep.tmp").write_bytes(b"not ours")
    assert sorted(prepare_run_dir(run)) == sorted(stale)
    assert sorted(p.name for p in run.iterdir()) == ["keep.tmp"]  # and no probe file left


def test_unwritable_run_dir_is_refused(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    for out in (blocker, blocker / "run"):
        with pytest.raises(RunDirError, match="not writable") as err:
            prepare_run_dir(out)
        assert str(out) in str(err.value)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="permissions do not bind root")
def test_read_only_run_dir_is_refused(tmp_path):
    run = tmp_path / "ro"
    run.mkdir()
    run.chmod(0o500)
    try:
        with pytest.raises(RunDirError, match="not writable"):
            prepare_run_dir(run)
    finally:
        run.chmod(0o700)
