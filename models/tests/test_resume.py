"""Kill-and-resume: a run interrupted after k steps and resumed ends bit-identical to an uninterrupted one.

The in-process test stops the loop right after a step *without* saving (what ``kill -9`` does),
between two checkpoints, in the middle of an epoch; the resumed run must redo the lost steps
with the same data order, the same binarization and latent noise, the same optimiser state and
BatchNorm statistics, and write the same ``train.json`` (loss EMA included; only timings and paths
differ). A damaged newest checkpoint is reported and the previous one used; ``--resume`` without
a checkpoint is an error unless ``--resume-or-start``. The ``slow`` tests kill a real
``genspec train`` process with SIGKILL and with SIGINT (which saves a checkpoint before exiting);
``test_fault_injection`` has many more.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from genspec.models import registry
from genspec.models.evaluation import evaluate_model
from genspec.models.checkpoints import CheckpointError, previous_path, save_checkpoint, state_digest
from genspec.models.tests.faults import damage, make_state, train_json
from genspec.models.training import TrainConfig, TrainingInterrupted, load_checkpoint, train

pytestmark = pytest.mark.area("models")

ROOT = Path(__file__).resolve().parents[2]
def _config(name: str, out: Path, **kw) -> TrainConfig:
    return TrainConfig(model=name, steps=7, batch_size=16, limit=64, seed=3, device="cpu", out=str(out),
                       checkpoint_every=3, progress=False, **kw)


def _assert_same_run(a: Path, b: Path, name: str, test_split) -> None:
    sa, sb = load_checkpoint(a / "checkpoint.pt"), load_checkpoint(b / "checkpoint.pt")
    assert sa["step"] == sb["step"] == 7
    for key, value in sa["model"].items():
        assert torch.equal(value, sb["model"][key]), f"parameter/buffer {key} differs after resume"
    for pid, st in sa["optimizer"]["state"].items():
        for key, value in st.items():
            assert torch.equal(value, sb["optimizer"]["state"][pid][key]), f"optimizer state {pid}.{key} differs"
    for key in ("data", "model", "torch_cpu"):
        assert torch.equal(sa["rng"][key], sb["rng"][key]), f"generator {key} differs"
    assert sa["history"] == sb["history"] and sa["loss_ema"] == sb["loss_ema"]
    assert train_json(a) == train_json(b)
    spec = registry.get(name)
    metrics = []
    for s in (sa, sb):
        model = spec.build(**s["config"]["kwargs"])
        model.load_state_dict(s["model"])
        metrics.append(evaluate_model(spec, model, test_split.subset(50), device=torch.device("cpu"), iwae_k=2))
    assert metrics[0] == metrics[1]


@pytest.fixture(scope="module")
def straight(fake_train, tmp_path_factory):
    """``straight(name)``: the folder of an uninterrupted ``_config`` run of ``name`` (trained once per module)."""
    runs: dict[str, Path] = {}

    def run(name: str) -> Path:
        if name not in runs:
            before = torch.get_num_threads()
            torch.set_num_threads(1)
            try:
                runs[name] = tmp_path_factory.mktemp(f"straight-{name}")
                train(_config(name, runs[name]), train_split=fake_train)
            finally:
                torch.set_num_threads(before)
        return runs[name]

    return run


@pytest.mark.parametrize("name", ["vae", pytest.param("conv_vae", marks=pytest.mark.slow),
                                  pytest.param("gumbel_vae", marks=pytest.mark.slow)])
def test_interrupted_and_resumed_run_is_bit_identical(name, straight, fake_train, fake_test, tmp_path):
    with pytest.raises(TrainingInterrupted):
        train(_config(name, tmp_path / "killed"), train_split=fake_train, interrupt_at=5)
    assert load_checkpoint(tmp_path / "killed" / "checkpoint.pt")["step"] == 3  # steps 4 and 5 were lost
    train(_config(name, tmp_path / "killed"), train_split=fake_train, resume=True)
    _assert_same_run(straight(name), tmp_path / "killed", name, fake_test)


def test_resume_refuses_a_different_seed(straight, fake_train, tmp_path):
    shutil.copytree(straight("vae"), tmp_path, dirs_exist_ok=True)
    cfg = _config("vae", tmp_path)
    cfg.seed = 4
    with pytest.raises(ValueError, match="seed=4"):
        train(cfg, train_split=fake_train, resume=True)


def test_existing_run_is_not_overwritten_without_resume(fake_train, tmp_path):
    save_checkpoint(make_state(7), tmp_path / "checkpoint.pt")  # what a finished run leaves
    with pytest.raises(FileExistsError, match="--resume"):
        train(_config("vae", tmp_path), train_split=fake_train)


def test_resume_without_a_checkpoint_is_an_error_unless_asked_to_start(fake_train, tmp_path):
    with pytest.raises(FileNotFoundError, match="--resume-or-start"):
        train(_config("vae", tmp_path / "run"), train_split=fake_train, resume=True)
    assert not (tmp_path / "run").exists()
    notes: list[str] = []
    config = _config("vae", tmp_path / "run")
    config.steps = 1
    train(config, train_split=fake_train, resume=True, start_if_missing=True, notify=notes.append)
    assert load_checkpoint(tmp_path / "run" / "checkpoint.pt")["step"] == 1 and "new run" in notes[0]


def test_a_damaged_newest_checkpoint_is_reported_and_the_previous_one_used(straight, fake_train, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(straight("vae"), run)  # checkpoints at steps 7 (the end) and 6
    assert load_checkpoint(previous_path(run / "checkpoint.pt"))["step"] == 6
    damage(run / "checkpoint.pt", "truncated")
    notes: list[str] = []
    train(_config("vae", run), train_split=fake_train, resume=True, notify=notes.append)  # redoes step 7
    assert "cannot be read" in notes[0] and "step 6" in notes[1], notes
    assert (run / "checkpoint.damaged.pt").exists()  # set aside, not rotated over the good one
    a, b = (load_checkpoint(r / "checkpoint.pt") for r in (straight("vae"), run))
    timings = ("elapsed", "cpu_s")
    assert state_digest({k: v for k, v in a.items() if k not in timings}) == \
        state_digest({k: v for k, v in b.items() if k not in timings}), "the resumed run differs"
    assert train_json(run) == train_json(straight("vae"))


def test_resume_refuses_when_no_checkpoint_is_usable(fake_train, tmp_path):
    (tmp_path / "checkpoint.pt").write_bytes(b"garbage")
    previous_path(tmp_path / "checkpoint.pt").write_bytes(b"")
    for start_if_missing in (False, True):  # never a silent restart over a damaged run
        with pytest.raises(CheckpointError, match="no usable checkpoint"):
            train(_config("vae", tmp_path), train_split=fake_train, resume=True, start_if_missing=start_if_missing)


def _genspec(args: list[str]) -> subprocess.Popen:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.Popen([sys.executable, "-m", "genspec.cli", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for_checkpoint(path: Path, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while not path.exists():
        if proc.poll() is not None or time.monotonic() > end:
            proc.kill()
            raise AssertionError(f"no checkpoint appeared: {proc.communicate()}")
        time.sleep(0.05)


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "SIGINT"])
def test_killing_genspec_train_and_resuming_gives_the_same_result(sig, fake_root, fake_test, tmp_path):
    common = ["train", "vae", "--steps", "400", "--batch-size", "16", "--seed", "5", "--device", "cpu",
              "--data-dir", str(fake_root), "--checkpoint-every", "25", "--no-progress", "--threads", "1"]
    straight = _genspec(common + ["--out", str(tmp_path / "straight")])
    assert straight.wait(timeout=300) == 0, straight.communicate()
    proc = _genspec(common + ["--out", str(tmp_path / "killed")])
    _wait_for_checkpoint(tmp_path / "killed" / "checkpoint.pt", proc)
    proc.send_signal(sig)
    code = proc.wait(timeout=60)
    assert code == (130 if sig == signal.SIGINT else -signal.SIGKILL), proc.communicate()
    assert load_checkpoint(tmp_path / "killed" / "checkpoint.pt")["step"] < 400, "killed too late"
    resumed = _genspec(common + ["--out", str(tmp_path / "killed"), "--resume"])
    assert resumed.wait(timeout=300) == 0, resumed.communicate()
    sa = load_checkpoint(tmp_path / "straight" / "checkpoint.pt")
    sb = load_checkpoint(tmp_path / "killed" / "checkpoint.pt")
    assert sa["step"] == sb["step"] == 400
    for key, value in sa["model"].items():
        assert torch.equal(value, sb["model"][key]), key
