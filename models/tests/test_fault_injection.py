"""Fault injection: real ``genspec train`` processes killed, interrupted, starved of disk; damaged files.

Every fault has an expected outcome, checked against an uninterrupted run of the same command
(``straight``): the resumed run ends bit-identical to it (model, optimiser, generators, history,
loss EMA: ``state_digest`` of the checkpoint without its timings) with the same ``train.json``
(but for timings and paths); or the fault is refused with exit code 1 and one clear message on
stderr, never a traceback, never torch's advice to load with ``weights_only=False``.

| fault | how | expected |
|---|---|---|
| SIGKILL in a step | the process kills itself in step s | resume from the last checkpoint, bit-identical |
| SIGKILL in a save, writing | half the temporary file written, then killed | orphan removed at start, resume bit-identical |
| SIGKILL in a save, renaming | between ``checkpoint.pt -> .prev.pt`` and ``tmp -> checkpoint.pt`` | previous checkpoint used |
| SIGINT in a save | the signal arrives during the rename | the save completes, exit 130, resume bit-identical |
| disk full at save k | ``torch.save`` raises ENOSPC | exit 1, last checkpoint intact, resume bit-identical |
| SIGKILL / SIGINT from outside | after the 2nd checkpoint plus a random delay | exit -9 / 130, resume bit-identical |
| damaged newest checkpoint | truncated, empty, garbage, flipped byte, hostile pickle | reported, previous one used, bit-identical |
| both checkpoints damaged | | ``--resume`` (and ``--resume-or-start``) refused |
| bad input to a real process | unwritable ``--out``, hostile checkpoint | exit 1, one line, no traceback |

The in-process faults are injected by a small runner (``RUNNER``) that patches one function of
the loop, so the step or save they hit is exact; those points, and the delays of the outside
signals, are drawn from ``random.Random(SEED + k)``: a run of this module is reproducible.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from genspec.models.checkpoints import load_checkpoint, previous_path, state_digest
from genspec.models.tests.faults import damage, train_json
from genspec.models.training import TrainConfig, TrainingInterrupted, train

pytestmark = [pytest.mark.area("models"), pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SEED = 20240611
STEPS, EVERY = 120, 10
KILLED_AT = STEPS - 5  # the ``interrupted`` run: checkpoints at NEWEST and NEWEST - EVERY
NEWEST = KILLED_AT // EVERY * EVERY

RUNNER = r"""
import errno, os, signal, sys
import torch
from genspec.models import training
fault, when, count = sys.argv[1], int(sys.argv[2]), [0]
real_save, real_replace, real_transform = torch.save, os.replace, training.transform_batch

def transform(*args, **kwargs):  # called once at the start of every step
    count[0] += 1
    if fault == "step" and count[0] == when:
        os.kill(os.getpid(), signal.SIGKILL)
    return real_transform(*args, **kwargs)

def save(obj, f, *args, **kwargs):  # called once per checkpoint, on its temporary file
    count[0] += 1
    if fault == "enospc" and count[0] == when:
        raise OSError(errno.ENOSPC, "No space left on device")
    if fault == "save-write" and count[0] == when:
        real_save(obj, f, *args, **kwargs)
        f.truncate(f.tell() // 2)
        f.flush()
        os.fsync(f.fileno())
        os.kill(os.getpid(), signal.SIGKILL)
    return real_save(obj, f, *args, **kwargs)

def replace(src, dst):
    real_replace(src, dst)
    if str(dst).endswith(".prev.pt") and count[0] == when:
        os.kill(os.getpid(), signal.SIGKILL if fault == "save-rotate" else signal.SIGINT)

if fault == "step":
    training.transform_batch = transform
elif fault != "none":
    torch.save, os.replace = save, replace
from genspec.cli import main
sys.exit(main(sys.argv[3:]))
"""


def train_argv(fake_root: Path, out: Path, *extra: str) -> list[str]:
    return ["train", "vae", "--steps", str(STEPS), "--batch-size", "16", "--limit", "64", "--seed", "5",
            "--device", "cpu", "--data-dir", str(fake_root), "--out", str(out), "--checkpoint-every", str(EVERY),
            "--no-progress", *extra]


def spawn(argv: list[str], fault: str = "none", when: int = 0) -> subprocess.Popen:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.Popen([sys.executable, "-c", RUNNER, fault, str(when), *argv, "--threads", "1"], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(proc: subprocess.Popen, expected: int) -> str:
    """Wait for ``proc``; its exit code must be ``expected``; returns its stderr, which has no traceback."""
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == expected, f"exit code {proc.returncode}, expected {expected}: {err}"
    assert "Traceback" not in err and "weights_only" not in err, err
    return err


def resume(fake_root: Path, out: Path, capsys: pytest.CaptureFixture) -> str:
    from genspec.cli import main

    code = main(train_argv(fake_root, out, "--resume"))
    err = capsys.readouterr().err
    assert code == 0, err
    return err


def assert_same_as_straight(run: Path, straight: Path) -> None:
    a, b = load_checkpoint(straight / "checkpoint.pt"), load_checkpoint(run / "checkpoint.pt")
    assert a["step"] == b["step"] == STEPS
    timings = ("elapsed", "cpu_s")
    assert state_digest({k: v for k, v in a.items() if k not in timings}) == \
        state_digest({k: v for k, v in b.items() if k not in timings}), "the resumed run differs"
    assert train_json(run) == train_json(straight)
    assert not list(run.glob(".*.tmp")), "a temporary file was left behind"


def config(fake_root: Path, out: Path) -> TrainConfig:
    """The ``TrainConfig`` that ``train_argv`` makes (so ``train.json`` files compare equal)."""
    return TrainConfig(model="vae", steps=STEPS, batch_size=16, limit=64, seed=5, device="cpu",
                       data_dir=str(fake_root), out=str(out), checkpoint_every=EVERY, progress=False)


@pytest.fixture(scope="module")
def straight(fake_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        out = tmp_path_factory.mktemp("straight") / "run"
        train(config(fake_root, out))
    finally:
        torch.set_num_threads(before)
    return out


@pytest.fixture(scope="module")
def launched(fake_root: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The processes with an exact fault, started together (their start-up overlaps)."""
    rng = random.Random(SEED)
    faults = {"step": ("step", rng.randint(EVERY + 1, STEPS - 1)),
              "save-write": ("save-write", rng.randint(2, STEPS // EVERY - 1)),
              "save-rotate": ("save-rotate", rng.randint(2, STEPS // EVERY - 1)),
              "save-sigint": ("save-sigint", rng.randint(2, STEPS // EVERY - 1)),
              "enospc": ("enospc", rng.randint(2, STEPS // EVERY - 1))}
    base = tmp_path_factory.mktemp("faults")
    return {name: (spawn(train_argv(fake_root, base / name), fault, when), base / name, when)
            for name, (fault, when) in faults.items()}


def test_sigkill_in_a_step_then_resume_is_bit_identical(launched, straight, fake_root, capsys):
    proc, out, step = launched["step"]
    finish(proc, -signal.SIGKILL)
    assert load_checkpoint(out / "checkpoint.pt")["step"] == (step - 1) // EVERY * EVERY
    resume(fake_root, out, capsys)
    assert_same_as_straight(out, straight)


def test_sigkill_while_writing_a_checkpoint_leaves_an_orphan_that_is_cleaned(launched, straight, fake_root, capsys):
    proc, out, k = launched["save-write"]
    finish(proc, -signal.SIGKILL)
    assert len(list(out.glob(".checkpoint.pt.*.tmp"))) == 1, "the killed save should leave its temporary file"
    assert load_checkpoint(out / "checkpoint.pt")["step"] == (k - 1) * EVERY
    resume(fake_root, out, capsys)
    assert_same_as_straight(out, straight)


def test_sigkill_between_the_renames_of_a_save_uses_the_previous_checkpoint(launched, straight, fake_root, capsys):
    proc, out, k = launched["save-rotate"]
    finish(proc, -signal.SIGKILL)
    assert not (out / "checkpoint.pt").exists() and load_checkpoint(previous_path(out / "checkpoint.pt"))["step"] \
        == (k - 1) * EVERY
    err = resume(fake_root, out, capsys)
    assert f"resuming from the previous checkpoint {previous_path(out / 'checkpoint.pt')} (step {(k - 1) * EVERY})" \
        in err, err
    assert_same_as_straight(out, straight)


def test_sigint_during_a_save_completes_it_and_exits_130(launched, straight, fake_root, capsys):
    proc, out, k = launched["save-sigint"]
    err = finish(proc, 130)
    assert f"SIGINT at step {k * EVERY}: checkpoint saved" in err, err
    assert load_checkpoint(out / "checkpoint.pt")["step"] == k * EVERY
    resume(fake_root, out, capsys)
    assert_same_as_straight(out, straight)


def test_full_disk_at_a_checkpoint_exits_1_and_keeps_the_last_one(launched, straight, fake_root, capsys):
    proc, out, k = launched["enospc"]
    err = finish(proc, 1)
    assert "No space left on device" in err and "previous checkpoint is intact" in err, err
    assert load_checkpoint(out / "checkpoint.pt")["step"] == (k - 1) * EVERY
    resume(fake_root, out, capsys)
    assert_same_as_straight(out, straight)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "SIGINT"])
def test_signal_from_outside_at_a_random_time_then_resume_is_bit_identical(sig, straight, fake_root, tmp_path,
                                                                           capsys):
    delay = random.Random(SEED + int(sig)).uniform(0.0, 0.05)
    out = tmp_path / "run"
    proc = spawn(train_argv(fake_root, out))
    end = time.monotonic() + 120
    while not previous_path(out / "checkpoint.pt").exists():  # the second checkpoint: training is under way
        assert proc.poll() is None and time.monotonic() < end, f"no second checkpoint: {proc.communicate()}"
        time.sleep(0.005)
    time.sleep(delay)
    proc.send_signal(sig)
    err = finish(proc, 130 if sig == signal.SIGINT else -signal.SIGKILL)
    assert load_checkpoint(out / "checkpoint.pt")["step"] < STEPS, "killed too late: the run had finished"
    if sig == signal.SIGINT:
        assert "checkpoint saved" in err and "--resume" in err, err
    resume(fake_root, out, capsys)
    assert_same_as_straight(out, straight)


@pytest.fixture(scope="module")
def interrupted(fake_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run killed after step ``KILLED_AT``: checkpoints at steps ``NEWEST`` and ``NEWEST - EVERY`` (previous)."""
    out = tmp_path_factory.mktemp("interrupted") / "run"
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with pytest.raises(TrainingInterrupted):
            train(config(fake_root, out), interrupt_at=KILLED_AT)
    finally:
        torch.set_num_threads(before)
    return out


@pytest.mark.parametrize("how", ["truncated", "empty", "garbage", "flipped-byte", "hostile", "hostile-inside"])
def test_damaged_newest_checkpoint_is_reported_and_the_previous_one_used(how, interrupted, straight, fake_root,
                                                                        tmp_path, capsys):
    out = tmp_path / "run"
    shutil.copytree(interrupted, out)
    newest, marker = out / "checkpoint.pt", tmp_path / "code-ran"
    if how == "flipped-byte":
        data = bytearray(newest.read_bytes())
        data[random.Random(SEED).randrange(len(data) // 4, len(data) * 3 // 4)] ^= 0x10
        newest.write_bytes(bytes(data))
    else:
        damage(newest, how, marker=str(marker))
    err = resume(fake_root, out, capsys)
    assert f"warning: checkpoint {newest}" in err and f"step {NEWEST - EVERY}" in err, err
    assert "weights_only" not in err and not marker.exists()
    assert (out / "checkpoint.damaged.pt").exists()
    assert_same_as_straight(out, straight)


def test_both_checkpoints_damaged_is_refused(interrupted, fake_root, tmp_path, capsys):
    from genspec.cli import main

    out = tmp_path / "run"
    shutil.copytree(interrupted, out)
    damage(out / "checkpoint.pt", "hostile", marker=str(tmp_path / "code-ran"))
    damage(previous_path(out / "checkpoint.pt"), "truncated")
    for flag in ("--resume", "--resume-or-start"):
        assert main(train_argv(fake_root, out, flag)) == 1
        err = capsys.readouterr().err
        assert "no usable checkpoint" in err and "weights_only" not in err, err
    assert not (tmp_path / "code-ran").exists() and load_checkpoint(interrupted / "checkpoint.pt")["step"] == NEWEST


def test_bad_input_to_a_real_process_exits_1_with_one_clear_message(fake_root, interrupted, tmp_path):
    # (--device tpu, truncated data and the other damages: test_cli_errors, through genspec.cli.main)
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    hostile = tmp_path / "hostile.pt"
    shutil.copyfile(interrupted / "checkpoint.pt", hostile)
    damage(hostile, "hostile", marker=str(tmp_path / "code-ran"))
    cases = {
        "not writable": train_argv(fake_root, blocker / "run"),
        "cannot be read": ["evaluate", "vae", "--checkpoint", str(hostile), "--data-dir", str(fake_root),
                           "--device", "cpu", "--iwae-k", "1"],
    }
    procs = {expected: spawn(argv) for expected, argv in cases.items()}
    for expected, proc in procs.items():
        err = finish(proc, 1)
        assert expected in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "code-ran").exists() and not (tmp_path / "metrics.json").exists()
