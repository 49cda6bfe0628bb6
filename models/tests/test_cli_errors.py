"""``genspec train`` / ``genspec evaluate`` never crash raw and never lose work.

Each user error or damaged input ends with exit code 1 and one message on stderr that names the
problem (an exception escaping ``main`` fails the test, as a traceback would fail the user): an
unwritable ``--out`` (found before the first step), an unknown ``--device``, a truncated data file,
``--resume`` without a checkpoint, a damaged checkpoint, a model with non-finite weights, a full
disk at a checkpoint. ``evaluate`` writes strict JSON (no NaN / Infinity tokens).
"""

from __future__ import annotations

import errno
import gzip
import json
import shutil
from pathlib import Path

import pytest

from genspec.models import evaluation, training
from genspec.models.checkpoints import load_checkpoint, save_checkpoint
from genspec.models.tests.faults import DAMAGES, damage, untrained_checkpoint

pytestmark = pytest.mark.area("models")


def genspec(*args: str) -> int:
    from genspec.cli import main

    return main([str(a) for a in args])


def train_args(fake_root: Path, out: Path, *extra: str) -> list[str]:
    return ["train", "vae", "--steps", "4", "--batch-size", "16", "--limit", "64", "--device", "cpu",
            "--data-dir", str(fake_root), "--out", str(out), "--no-progress", "--checkpoint-every", "2", *extra]


def eval_args(fake_root: Path, checkpoint: Path, *extra: str) -> list[str]:
    return ["evaluate", "vae", "--checkpoint", str(checkpoint), "--iwae-k", "2", "--limit", "20",
            "--data-dir", str(fake_root), "--device", "cpu", *extra]


def strict_json(path: Path) -> dict:
    """Parse ``path`` refusing the NaN / Infinity tokens that ``json.dumps`` writes by default."""
    def refuse(token: str) -> None:
        raise AssertionError(f"{path} holds the non-JSON token {token}")

    return json.loads(path.read_text(), parse_constant=refuse)


@pytest.fixture(scope="module")
def good_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a good ``vae`` checkpoint (at initialisation: evaluation does not need training)."""
    out = tmp_path_factory.mktemp("good_run")
    untrained_checkpoint(out / "checkpoint.pt")
    return out


def test_unwritable_out_is_refused_before_the_first_step(fake_root, tmp_path, capsys, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setattr(training, "load_split", lambda *a, **k: pytest.fail("data loaded before --out was checked"))
    assert genspec(*train_args(fake_root, blocker / "run")) == 1
    err = capsys.readouterr().err
    assert "not writable" in err and str(blocker / "run") in err and "--out" in err, err


def test_resume_needs_a_checkpoint_unless_resume_or_start_then_stale_files_go(fake_root, tmp_path, capsys):
    out = tmp_path / "run"
    assert genspec(*train_args(fake_root, out, "--resume")) == 1
    assert "--resume-or-start" in capsys.readouterr().err
    out.mkdir()
    (out / ".checkpoint.pt.4242.tmp").write_bytes(b"half a checkpoint of a killed save")
    assert genspec(*train_args(fake_root, out, "--resume-or-start", "--steps", "1")) == 0
    assert load_checkpoint(out / "checkpoint.pt")["step"] == 1
    assert sorted(p.name for p in out.iterdir()) == ["checkpoint.pt", "train.json"]
    summary = strict_json(out / "train.json")  # train.json is strict JSON too
    assert summary["steps"] == 1 and isinstance(summary["final_loss_ema"], float)


@pytest.mark.parametrize("bad_device", ["tpu", "cuda:99", "nonsense:0"])
def test_unknown_device_is_a_clear_error(bad_device, fake_root, good_run, tmp_path, capsys):
    assert genspec(*train_args(fake_root, tmp_path / "run"), "--device", bad_device) == 1
    assert f"device={bad_device!r}" in capsys.readouterr().err
    assert genspec(*eval_args(fake_root, good_run / "checkpoint.pt"), "--device", bad_device) == 1
    assert f"device={bad_device!r}" in capsys.readouterr().err


@pytest.mark.parametrize("file", ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte"])
def test_truncated_data_file_is_a_clear_error(file, fake_root, good_run, tmp_path, capsys):
    root = tmp_path / "data"
    shutil.copytree(fake_root, root)
    path = root / "FashionMNIST" / "raw" / file
    path.write_bytes(path.read_bytes()[:-100])
    command = train_args(root, tmp_path / "run") if file.startswith("train") else \
        eval_args(root, good_run / "checkpoint.pt", "--metrics", tmp_path / "m.json")
    assert genspec(*command) == 1
    err = capsys.readouterr().err
    assert "truncated" in err and file in err, err


def test_truncated_gz_source_is_a_clear_error(fake_root, tmp_path, capsys):
    src = tmp_path / "gz"
    src.mkdir()
    for path in (fake_root / "FashionMNIST" / "raw").iterdir():
        packed = gzip.compress(path.read_bytes())
        (src / f"{path.name}.gz").write_bytes(packed[: len(packed) // 2] if "train-images" in path.name else packed)
    assert genspec(*train_args(src, tmp_path / "run")) == 1
    assert "train-images-idx3-ubyte.gz is truncated" in capsys.readouterr().err


def test_a_full_disk_at_a_checkpoint_is_a_clear_error_and_keeps_the_last_one(fake_root, tmp_path, capsys,
                                                                             monkeypatch):
    calls = []

    def full_after_one(state, path):
        calls.append(state["step"])
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        save_checkpoint(state, path)

    monkeypatch.setattr(training, "save_checkpoint", full_after_one)
    assert genspec(*train_args(fake_root, tmp_path / "run", "--steps", "2", "--checkpoint-every", "1")) == 1
    err = capsys.readouterr().err
    assert "No space left on device" in err and "step 2" in err and "previous checkpoint is intact" in err, err
    assert load_checkpoint(tmp_path / "run" / "checkpoint.pt")["step"] == 1


@pytest.mark.parametrize("how", DAMAGES)
def test_evaluate_refuses_a_damaged_checkpoint(how, fake_root, good_run, tmp_path, capsys):
    path = tmp_path / "checkpoint.pt"
    shutil.copyfile(good_run / "checkpoint.pt", path)
    if how == "flipped-byte":  # flip a byte of the payload (the test_checkpoint helper expects its own state)
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0x01
        path.write_bytes(bytes(data))
    else:
        damage(path, how, marker=str(tmp_path / "code-ran"))
    assert genspec(*eval_args(fake_root, path)) == 1
    err = capsys.readouterr().err
    assert str(path) in err and "weights_only" not in err and "Traceback" not in err, err
    assert not (tmp_path / "metrics.json").exists() and not (tmp_path / "code-ran").exists()


def test_evaluate_refuses_non_finite_weights(fake_root, tmp_path, capsys):
    state = untrained_checkpoint(tmp_path / "good.pt")
    state["model"]["fc1.weight"][0, 0] = float("nan")
    save_checkpoint(state, tmp_path / "checkpoint.pt")
    assert genspec(*eval_args(fake_root, tmp_path / "checkpoint.pt")) == 1
    err = capsys.readouterr().err
    assert "not finite" in err and "fc1.weight" in err, err
    assert not (tmp_path / "metrics.json").exists()


def test_evaluate_writes_strict_json_and_fails_on_a_non_finite_metric(fake_root, good_run, tmp_path, capsys,
                                                                     monkeypatch):
    assert genspec(*eval_args(fake_root, good_run / "checkpoint.pt", "--metrics", tmp_path / "ok.json")) == 0
    assert strict_json(tmp_path / "ok.json")["test_examples"] == 20
    real = evaluation.evaluate_model

    def overflowing(*args, **kwargs):
        return {**real(*args, **kwargs), "neg_elbo_nats": float("inf"), "iwae_log_px_nats": float("nan")}

    monkeypatch.setattr(evaluation, "evaluate_model", overflowing)
    assert genspec(*eval_args(fake_root, good_run / "checkpoint.pt", "--metrics", tmp_path / "bad.json")) == 1
    captured = capsys.readouterr()
    assert "neg_elbo_nats, iwae_log_px_nats are not finite" in captured.err, captured.err
    metrics = strict_json(tmp_path / "bad.json")
    assert metrics["neg_elbo_nats"] is None and metrics["nonfinite_metrics"] == ["neg_elbo_nats", "iwae_log_px_nats"]
    assert "NaN" not in captured.out and "Infinity" not in captured.out
