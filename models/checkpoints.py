"""Checkpoint files of a training run: a versioned, checksummed format; atomic writes; two kept.

A checkpoint file is ``torch.save`` of an envelope of plain values,

    {"format": CHECKPOINT_FORMAT, "sha256": state_digest(state), "state": state}

where ``state`` is the training state (a dict of tensors and plain containers) and
``state_digest`` is the SHA-256 of its canonical encoding: containers with their lengths and keys
in order, scalars with their types and ``repr``, tensors with dtype, shape and raw bytes. It
loads with ``torch.load(path, weights_only=True)``: no code is ever unpickled. ``load_checkpoint``
refuses, with a ``CheckpointError`` that names the file and what is wrong, an empty, truncated or
garbage file, a flipped byte (the digest no longer matches: torch does not check its zip CRCs, so
most flips in tensor data would otherwise load silently), an older format, an incomplete state,
or a file holding objects other than tensors and plain containers (torch's own message for those
advises ``weights_only=False``, which would run the file's code: it is never shown).

``save_checkpoint`` writes ``.NAME.PID.tmp`` in the same folder, fsyncs it, moves the current
``NAME`` to ``previous_path(NAME)`` (``checkpoint.prev.pt``) and renames the new file into place
(``os.replace``), so a kill at any moment leaves at least one complete checkpoint: the newest, or
the previous one. ``load_newest`` returns the newest usable one and the problems of those it
skipped. ``prepare_run_dir`` creates the run folder, removes temporary files that a killed save
left behind, and proves the folder writable before any training step is spent.

References: PyTorch serialization notes (``torch.load`` with ``weights_only=True``); seeds 000
and 004 (their training loops, which this loop's checkpoints make resumable).
"""

from __future__ import annotations

import hashlib
import os
import warnings
from pathlib import Path
from typing import Any

import torch

__all__ = ["CHECKPOINT_FORMAT", "STATE_KEYS", "TEMP_NAMES", "CheckpointError", "RunDirError", "load_checkpoint",
           "load_newest", "prepare_run_dir", "previous_path", "remove_stale_temps", "save_checkpoint",
           "state_digest"]

CHECKPOINT_FORMAT = 2
#: What a training state holds; a checkpoint missing one of these is refused.
STATE_KEYS = frozenset({"format", "config", "device_type", "model", "optimizer", "step", "epoch", "position",
                        "total_steps", "batches_per_epoch", "order", "rng", "history", "epoch_loss",
                        "loss_ema", "elapsed", "cpu_s"})

#: Files written through ``.NAME.PID.tmp`` in a run folder (``remove_stale_temps`` removes those left).
TEMP_NAMES = ("checkpoint.pt", "train.json", "write-probe")


class CheckpointError(ValueError):
    """A checkpoint file cannot be used; the message names the file and what is wrong with it."""


class RunDirError(OSError):
    """The run folder (``--out``) cannot be created or written."""


def previous_path(path: str | os.PathLike[str]) -> Path:
    """Where the checkpoint before ``path`` is kept: ``checkpoint.pt`` -> ``checkpoint.prev.pt``."""
    path = Path(path)
    return path.with_name(f"{path.stem}.prev{path.suffix}")


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # e.g. a platform without directory descriptors
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _feed(h: Any, value: Any) -> None:
    """Add the canonical encoding of ``value`` to the hash ``h`` (``TypeError`` for other objects)."""
    if isinstance(value, torch.Tensor):
        t = value.detach().cpu().contiguous()
        h.update(f"T{t.dtype}{tuple(t.shape)};".encode())
        h.update(t.reshape(-1).view(torch.uint8).numpy())
    elif isinstance(value, dict):
        h.update(f"D{len(value)};".encode())
        for key, item in value.items():
            _feed(h, key)
            _feed(h, item)
    elif isinstance(value, (list, tuple)):
        h.update(f"{'L' if isinstance(value, list) else 'U'}{len(value)};".encode())
        for item in value:
            _feed(h, item)
    elif value is None or isinstance(value, (bool, int, float, str)):
        text = repr(value)
        h.update(f"{type(value).__name__}{len(text)}:{text};".encode())
    else:
        raise TypeError(f"a checkpoint holds tensors and plain containers, not {type(value).__name__}")


def state_digest(state: Any) -> str:
    """SHA-256 (hex) of the canonical encoding of ``state`` (see the module docstring)."""
    h = hashlib.sha256()
    _feed(h, state)
    return h.hexdigest()


def save_checkpoint(state: dict[str, Any], path: str | os.PathLike[str], *, keep_previous: bool = True) -> None:
    """Write ``state`` to ``path`` atomically; the file it replaces becomes ``previous_path(path)``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    envelope = {"format": CHECKPOINT_FORMAT, "sha256": state_digest(state), "state": state}
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            torch.save(envelope, f)
            f.flush()
            os.fsync(f.fileno())
        if keep_previous and path.exists():
            os.replace(path, previous_path(path))
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _torch_load(path: Path, map_location: str | torch.device) -> Any:
    """``torch.load(path, weights_only=True)``; any failure becomes a ``CheckpointError`` in our words.

    torch's own message for a refused object advises ``weights_only=False``, which would run the
    file's code: it is never shown (nor chained).
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch warns about pickle protocols of garbage files
            return torch.load(path, map_location=map_location, weights_only=True)
    except Exception as err:  # torch raises a dozen types for damaged files (zip, pickle, unicode, ...)
        kind = type(err).__name__
    if kind == "UnpicklingError":
        reason = ("it is damaged, or holds objects other than tensors and plain containers, which genspec "
                  "refuses to unpickle")
    else:
        reason = f"it is damaged or not a checkpoint (torch.load failed with {kind})"
    raise CheckpointError(f"checkpoint {path} cannot be read: {reason}")


def load_checkpoint(path: str | os.PathLike[str], *, map_location: str | torch.device = "cpu") -> dict[str, Any]:
    """The training state in the checkpoint file ``path``, validated; ``CheckpointError`` otherwise."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"checkpoint {path} does not exist" + (" (it is a folder)" if path.is_dir() else ""))
    if path.stat().st_size == 0:
        raise CheckpointError(f"checkpoint {path} is empty (0 bytes): its write was cut short")
    envelope = _torch_load(path, map_location)
    if not isinstance(envelope, dict) or "format" not in envelope:
        raise CheckpointError(f"checkpoint {path} is not a genspec checkpoint (no format field)")
    if envelope["format"] != CHECKPOINT_FORMAT:
        raise CheckpointError(f"checkpoint {path} has format {envelope['format']!r}, but this genspec reads format "
                              f"{CHECKPOINT_FORMAT} only (format 1, of genspec 0.2.0, has no checksum): retrain")
    state, digest = envelope.get("state"), envelope.get("sha256")
    if not (isinstance(state, dict) and isinstance(digest, str)):
        raise CheckpointError(f"checkpoint {path} is malformed: its state or checksum is missing")
    try:
        actual = state_digest(state)
    except TypeError as err:
        raise CheckpointError(f"checkpoint {path} is malformed: {err}") from None
    if actual != digest:
        raise CheckpointError(f"checkpoint {path} is damaged: the SHA-256 of its state is {actual[:16]}..., "
                              f"but it was written as {digest[:16]}...")
    missing = sorted(STATE_KEYS - set(state))
    if missing or state["format"] != CHECKPOINT_FORMAT:
        raise CheckpointError(f"checkpoint {path} is not a complete training state (missing {missing})")
    return state


def load_newest(path: str | os.PathLike[str], *,
                map_location: str | torch.device = "cpu") -> tuple[dict[str, Any], Path, list[str]]:
    """The newest usable of ``path`` and ``previous_path(path)``: ``(state, its path, problems skipped)``.

    ``FileNotFoundError`` when neither exists; ``CheckpointError`` listing both problems when none is usable.
    """
    path = Path(path)
    candidates = [p for p in (path, previous_path(path)) if p.exists()]
    if not candidates:
        raise FileNotFoundError(f"no checkpoint in {path.parent} ({path.name} or {previous_path(path).name})")
    problems: list[str] = []
    for candidate in candidates:
        try:
            return load_checkpoint(candidate, map_location=map_location), candidate, problems
        except (CheckpointError, OSError) as err:
            problems.append(str(err))
    raise CheckpointError("no usable checkpoint: " + "; ".join(problems))


def remove_stale_temps(folder: str | os.PathLike[str], names: tuple[str, ...] = TEMP_NAMES) -> list[Path]:
    """Delete the temporary files ``.NAME.PID.tmp`` (``NAME`` in ``names``) that killed writes left in ``folder``."""
    folder = Path(folder)
    removed = []
    for name in names:
        for tmp in folder.glob(f".{name}.*.tmp"):
            tmp.unlink(missing_ok=True)
            removed.append(tmp)
    return removed


def prepare_run_dir(folder: str | os.PathLike[str]) -> list[Path]:
    """Create ``folder``, remove stale temporary files, prove it writable; returns the files removed.

    ``RunDirError`` (an ``OSError``) names the folder and the reason, before any step is spent.
    """
    folder = Path(folder)
    probe = folder / f".write-probe.{os.getpid()}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        removed = remove_stale_temps(folder)
        with open(probe, "wb") as f:  # creating, writing and removing a file is what a save needs
            f.write(b"genspec")
        probe.unlink()
    except OSError as err:
        raise RunDirError(f"the output folder {folder} is not writable ({err.strerror or err}): choose another "
                          f"--out") from None
    return removed
