"""Helpers of the models' fault tests: damaged and hostile checkpoint files, comparable ``train.json``.

``untrained_checkpoint`` writes a complete checkpoint of a model at initialisation (for the tests
of ``genspec evaluate``); ``damage(path, how)`` damages a checkpoint file in place in one of the ways of ``DAMAGES``: cut to
half its size, emptied, overwritten with garbage, one byte of its tensor data flipped (a flip torch
itself would not notice), replaced by a pickle that runs code (``Hostile``), or a well-formed
envelope hiding such a pickle in its state. ``assert_clear_refusal`` checks how a refusal reads;
``train_json`` is a run's ``train.json`` without what legitimately differs between an interrupted
and resumed run and an uninterrupted one (timings and paths).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch

from genspec.models import checkpoints

__all__ = ["DAMAGES", "RUN_SPECIFIC", "Hostile", "assert_clear_refusal", "damage", "make_state", "train_json",
           "untrained_checkpoint"]

DAMAGES = ["truncated", "empty", "garbage", "flipped-byte", "hostile", "hostile-inside"]
#: What may differ between the train.json of a resumed run and an uninterrupted one.
RUN_SPECIFIC = ("wall_s", "cpu_s", "checkpoint")


def make_state(step: int) -> dict[str, Any]:
    """A complete training state (every key of ``STATE_KEYS``) with small tensors."""
    state = {key: None for key in checkpoints.STATE_KEYS}
    state.update(format=checkpoints.CHECKPOINT_FORMAT, step=step, config={"model": "vae"},
                 model={"w": torch.full((3,), float(step))}, history=[1.0, 0.5], loss_ema=0.25)
    return state


def untrained_checkpoint(path: Path, name: str = "vae", *, seed: int = 0) -> dict[str, Any]:
    """Write (and return) a complete checkpoint of the registered model ``name`` at initialisation.

    What ``genspec evaluate`` needs of a checkpoint, without the cost of a training run.
    """
    from genspec.models.registry import get

    spec = get(name)
    torch.manual_seed(seed)
    model = spec.make_model()
    state = make_state(0)
    state.update(config={"model": name, "seed": seed, "batch_size": spec.batch_size, "dataset": "fashion-mnist",
                         "limit": None, "kwargs": dict(spec.kwargs), "transform": spec.transform},
                 device_type="cpu", model=model.state_dict(), batches_per_epoch=1, elapsed=0.0, cpu_s=0.0)
    checkpoints.save_checkpoint(state, path)
    return state


class Hostile:
    """Unpickling this would create ``marker``: a stand-in for arbitrary code."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, tuple[str, str]]:
        return (open, (self.marker, "w"))


def _flip(data: bytes, at: int) -> bytes:
    out = bytearray(data)
    out[at] ^= 0x01
    return bytes(out)


def damage(path: Path, how: str, *, marker: str = "") -> None:
    """Damage the checkpoint file ``path`` in place (``DAMAGES``); a hostile file would create ``marker``."""
    data = path.read_bytes()
    if how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "garbage":
        path.write_bytes(torch.randint(0, 256, (4096,), generator=torch.Generator().manual_seed(0),
                                       dtype=torch.uint8).numpy().tobytes())
    elif how == "flipped-byte":  # a byte of make_state(7)'s tensor: torch would load it without complaint
        marker_at = data.index(torch.full((3,), 7.0).numpy().tobytes())
        path.write_bytes(_flip(data, marker_at + 1))
    elif how == "hostile":  # a pickle that runs code, in place of the whole file
        torch.save(Hostile(marker), path)
    elif how == "hostile-inside":  # a well-formed envelope (the checksum of the good state) hiding one
        good = torch.load(path, weights_only=True)
        good["state"]["model"]["w"] = Hostile(marker)
        torch.save(good, path)
    else:
        raise ValueError(how)


def assert_clear_refusal(err: BaseException, path: Path) -> None:
    """A refusal names the file, hides torch's own error, and never suggests weights_only=False."""
    message = str(err)
    assert str(path) in message, f"the message {message!r} does not name {path}"
    assert "weights_only" not in message and "Traceback" not in message, message
    assert err.__cause__ is None and (err.__context__ is None or err.__suppress_context__), "torch's error is chained"


def train_json(run: Path) -> dict[str, Any]:
    """``run/train.json`` without timings and paths (``RUN_SPECIFIC``, ``config.out``)."""
    summary = json.loads((run / "train.json").read_text())
    del summary["config"]["out"]
    return {k: v for k, v in summary.items() if k not in RUN_SPECIFIC}
