"""The training loop shared by the reference models: resumable, reproducible, device-agnostic.

One step: take the next ``batch_size`` indices of this epoch's permutation, transform the uint8
images (``models.data.transform_batch``), compute ``model.training_loss``, stop if it is not
finite, back-propagate, step the optimiser. Two generators carry all the randomness: ``data``
(CPU: the epoch permutations, binarization and dequantization noise) seeded with ``seed``, and
``model`` (on the device: latent noise) seeded with ``seed + 1``; parameters are initialised
from the global RNG seeded with ``seed``. The same seed gives the same run.

Before the first step the run folder is created and proved writable, and temporary files of
killed saves (and of ``train.json``) are removed (``models.checkpoints.prepare_run_dir``): an unwritable ``--out`` costs no
steps. A checkpoint (``OUT/checkpoint.pt``, every ``checkpoint_every`` steps, at the end and on
SIGINT/SIGTERM) holds the model and optimiser states, the step, the epoch, the position in it, the
epoch's permutation, the states of both generators and of the global RNGs, the loss history and
the loss EMA; it is written atomically with a SHA-256 (``models.checkpoints``), and the one it
replaces is kept as ``OUT/checkpoint.prev.pt``. ``resume=True`` restores the newest usable one (a
damaged newest is reported, set aside as ``checkpoint.damaged.pt``, and the previous one used), so
an interrupted run continues where it stopped and ends with the same parameters, bit for bit on
CPU, and the same ``train.json`` (but for the timings and paths), as an uninterrupted one.
``resume=True`` without a checkpoint is an error unless ``start_if_missing=True``.

References: seeds 000 and 004 (their ``train_vae`` / training loops, Adam at 1e-3).
"""

from __future__ import annotations

import json
import math
import os
import signal
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable

import torch

from genspec.models.checkpoints import (
    CHECKPOINT_FORMAT, CheckpointError, RunDirError, load_checkpoint, load_newest, prepare_run_dir,
    previous_path, save_checkpoint,
)
from genspec.models.data import Split, load_split, transform_batch
from genspec.models.registry import ModelSpec, get

__all__ = ["CHECKPOINT_FORMAT", "CheckpointError", "NonFiniteLossError", "RunDirError", "TrainConfig",
           "TrainingInterrupted", "load_checkpoint", "resolve_device", "save_checkpoint", "train"]

DEVICES = "auto, cpu, cuda, cuda:N (or mps where present)"
# Settings a resumed run must share with the run it continues (the others may change).
_MUST_MATCH = ("model", "seed", "batch_size", "dataset", "limit")


class NonFiniteLossError(RuntimeError):
    """The loss became NaN or infinite; the message gives the step and what to try."""


class TrainingInterrupted(RuntimeError):
    """Training stopped on a signal (or a simulated kill) after ``step`` steps."""

    def __init__(self, message: str, *, step: int) -> None:
        super().__init__(message)
        self.step = step


@dataclass
class TrainConfig:
    """Everything that defines a training run (``genspec train`` flags)."""

    model: str
    epochs: int | None = None          # default: the model's
    steps: int | None = None           # total optimiser steps; overrides epochs
    batch_size: int | None = None      # default: the model's
    seed: int = 0
    device: str = "auto"
    dataset: str = "fashion-mnist"
    data_dir: str | None = None
    download: bool = False
    limit: int | None = None           # first N training examples only
    out: str | None = None             # default: runs/<model>
    checkpoint_every: int = 500
    progress: bool = True

    def __post_init__(self) -> None:
        for name in ("epochs", "steps", "batch_size", "limit"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ValueError(f"{name}={value}, but should be a positive integer")
        if self.checkpoint_every < 1:
            raise ValueError(f"checkpoint_every={self.checkpoint_every}, but should be a positive integer")
        if self.out is None:
            self.out = str(Path("runs") / self.model)


def resolve_device(device: str) -> torch.device:
    """``auto`` -> CUDA when present, else CPU; ``cpu`` / ``cuda`` / ``cuda:N`` / ``mps`` as given.

    ``ValueError`` naming the device for an unknown name or one this machine does not have.
    """
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError, ValueError):
        raise ValueError(f"device={device!r}, but should be one of {DEVICES}") from None
    if dev.type == "cpu":
        return dev
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(f"device={device!r}, but CUDA is not available on this machine")
        count = torch.cuda.device_count()
        if dev.index is not None and dev.index >= count:
            raise ValueError(f"device={device!r}, but this machine has {count} CUDA device(s): cuda:0 .. cuda:{count - 1}")
        return dev
    if dev.type == "mps" and torch.backends.mps.is_available():
        return dev
    raise ValueError(f"device={device!r} is not available here; use one of {DEVICES}")


def _stderr(message: str) -> None:
    print(f"genspec train: {message}", file=sys.stderr)


class _SignalFlag:
    """Turn SIGINT / SIGTERM into a flag checked between steps (a step is never cut in half)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled, self.received, self._old = enabled, None, {}

    def __enter__(self) -> "_SignalFlag":
        if self.enabled:
            for sig in (signal.SIGINT, signal.SIGTERM):
                try:
                    self._old[sig] = signal.signal(sig, self._handle)
                except ValueError:  # not the main thread
                    pass
        return self

    def _handle(self, signum: int, frame: Any) -> None:
        self.received = signal.Signals(signum).name

    def __exit__(self, *exc: Any) -> None:
        for sig, old in self._old.items():
            signal.signal(sig, old)


def _rng_states(data_gen: torch.Generator, model_gen: torch.Generator) -> dict[str, Any]:
    states = {"data": data_gen.get_state(), "model": model_gen.get_state(), "torch_cpu": torch.get_rng_state()}
    if torch.cuda.is_available():
        states["torch_cuda"] = torch.cuda.get_rng_state_all()
    return states


def _set_rng_states(states: dict[str, Any], data_gen: torch.Generator, model_gen: torch.Generator) -> None:
    data_gen.set_state(states["data"])
    model_gen.set_state(states["model"])
    torch.set_rng_state(states["torch_cpu"])
    if "torch_cuda" in states and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(states["torch_cuda"])


def _resume_state(ckpt_path: Path, *, notify: Callable[[str], None]) -> dict[str, Any]:
    """The newest usable checkpoint of the run; ``CheckpointError`` when none is usable.

    A damaged newest checkpoint is reported and renamed ``checkpoint.damaged.pt``, so that the next
    save does not rotate it over the previous, good one.
    """
    state, used, problems = load_newest(ckpt_path)  # on CPU: generator states must be CPU byte tensors
    for problem in problems:
        notify(f"warning: {problem}")
    if used != ckpt_path:
        if ckpt_path.exists():
            os.replace(ckpt_path, ckpt_path.with_name(f"{ckpt_path.stem}.damaged{ckpt_path.suffix}"))
        notify(f"resuming from the previous checkpoint {used} (step {state['step']})")
    return state


def _write_json(path: Path, data: dict[str, Any]) -> None:
    """Strict JSON (no NaN / Infinity tokens), written atomically (a stale temporary file is removed at start)."""
    text = json.dumps(data, indent=2, default=str, allow_nan=False) + "\n"
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def train(config: TrainConfig, *, resume: bool = False, start_if_missing: bool = False,
          train_split: Split | None = None, interrupt_at: int | None = None, handle_signals: bool = False,
          notify: Callable[[str], None] = _stderr) -> dict[str, Any]:
    """Train ``config.model``; returns the summary also written to ``OUT/train.json``.

    ``resume`` continues from the newest usable checkpoint in ``OUT`` (``FileNotFoundError`` when
    there is none, unless ``start_if_missing``: then a new run starts); ``train_split`` replaces
    the data set named by the config (tests); ``interrupt_at`` stops the run right after that step
    *without* saving, as a ``kill -9`` would (tests of ``resume``); ``handle_signals`` turns SIGINT / SIGTERM into a
    checkpoint and ``TrainingInterrupted``; ``notify`` receives warnings (default: stderr).
    Errors: ``RunDirError`` (``--out`` not writable, checked before the first step),
    ``CheckpointError`` (no usable checkpoint), ``FileExistsError``, ``ValueError``, data errors.
    """
    spec: ModelSpec = get(config.model)
    device = resolve_device(config.device)
    out = Path(config.out)  # type: ignore[arg-type]
    ckpt_path = out / "checkpoint.pt"
    batch_size = config.batch_size or spec.batch_size

    found = ckpt_path.exists() or previous_path(ckpt_path).exists()
    if found and not resume:
        raise FileExistsError(f"{ckpt_path} exists: pass --resume to continue that run, or choose another --out")
    if resume and not found and not start_if_missing:
        raise FileNotFoundError(f"--resume: no checkpoint in {out} to resume; pass --resume-or-start to start a "
                                f"new run there when there is none")
    prepare_run_dir(out)
    state = _resume_state(ckpt_path, notify=notify) if resume and found else None
    if resume and not found:
        notify(f"no checkpoint in {out}: starting a new run")
    split = train_split if train_split is not None else load_split(
        config.dataset, train=True, data_dir=config.data_dir, download=config.download)
    split = split.subset(config.limit)
    n = len(split)
    if batch_size > n:
        raise ValueError(f"batch_size={batch_size} exceeds the {n} training examples (--limit)")
    batches_per_epoch = n // batch_size  # the last incomplete batch of an epoch is dropped
    total_steps = config.steps if config.steps is not None else (config.epochs or spec.epochs) * batches_per_epoch

    torch.manual_seed(config.seed)
    model = spec.make_model().to(device)
    optimizer = spec.make_optimizer(model.parameters())
    data_gen = torch.Generator().manual_seed(config.seed)
    model_gen = torch.Generator(device=device).manual_seed(config.seed + 1)
    step = epoch = position = 0
    order: torch.Tensor | None = None
    history: list[float] = []            # mean training loss of each finished epoch
    epoch_loss = [0.0, 0]                # running sum and count in the current epoch
    ema: float | None = None             # exponential moving average of the loss (progress bar, train.json)
    elapsed = cpu = 0.0                  # wall and process CPU seconds of training, over all resumes
    meta = {"model": spec.name, "seed": config.seed, "batch_size": batch_size, "dataset": split.dataset,
            "limit": config.limit, "kwargs": dict(spec.kwargs), "transform": spec.transform}

    if state is not None:
        for key in _MUST_MATCH:
            if state["config"][key] != meta[key]:
                raise ValueError(f"--resume: {key}={meta[key]!r}, but the checkpoint was made with "
                                 f"{key}={state['config'][key]!r}")
        if state["device_type"] != device.type:
            raise ValueError(f"--resume: device={device.type!r}, but the checkpoint's generators are on "
                             f"{state['device_type']!r}; resume on the same kind of device")
        model.load_state_dict(state["model"])  # copied onto the model's device
        optimizer.load_state_dict(state["optimizer"])  # state moved to its parameters' device
        _set_rng_states(state["rng"], data_gen, model_gen)
        step, epoch, position = state["step"], state["epoch"], state["position"]
        order = state["order"].cpu() if state["order"] is not None else None
        history, epoch_loss, ema = list(state["history"]), list(state["epoch_loss"]), state["loss_ema"]
        elapsed, cpu = state["elapsed"], state["cpu_s"]

    def snapshot() -> dict[str, Any]:
        return {"format": CHECKPOINT_FORMAT, "config": meta, "device_type": device.type,
                "model": model.state_dict(), "optimizer": optimizer.state_dict(),
                "step": step, "epoch": epoch, "position": position, "total_steps": total_steps,
                "batches_per_epoch": batches_per_epoch,
                "order": order, "rng": _rng_states(data_gen, model_gen), "history": history,
                "epoch_loss": epoch_loss, "loss_ema": ema, "elapsed": elapsed, "cpu_s": cpu}

    def checkpoint() -> None:
        try:
            save_checkpoint(snapshot(), ckpt_path)
        except OSError as err:
            raise RunDirError(f"could not write the checkpoint {ckpt_path} at step {step} ({err.strerror or err}); "
                              f"the previous checkpoint is intact: free space or fix {out}, then --resume") from None

    bar = None
    if config.progress:
        from tqdm import tqdm
        bar = tqdm(total=total_steps, initial=step, desc=spec.name, unit="step", dynamic_ncols=True)
    images = split.images
    start, start_cpu = time.perf_counter(), time.process_time()
    try:
        with _SignalFlag(handle_signals) as flag:
            model.train()
            while step < total_steps:
                if order is None:
                    order = torch.randperm(n, generator=data_gen)
                idx = order[position * batch_size:(position + 1) * batch_size]
                x = transform_batch(images[idx], spec.transform, generator=data_gen).unsqueeze(1).to(device)
                loss, _ = model.training_loss(x, generator=model_gen, step=step)
                value = float(loss.detach())
                if not math.isfinite(value):
                    raise NonFiniteLossError(
                        f"{spec.name}: the loss is {value} at step {step + 1} (epoch {epoch + 1}); training "
                        f"stopped. The last good checkpoint is {ckpt_path} (if one was written). Try a lower "
                        f"learning rate or another --seed.")
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                step, position = step + 1, position + 1
                epoch_loss = [epoch_loss[0] + value, epoch_loss[1] + 1]
                if position == batches_per_epoch:
                    history.append(epoch_loss[0] / epoch_loss[1])
                    epoch, position, order, epoch_loss = epoch + 1, 0, None, [0.0, 0]
                ema = value if ema is None else 0.98 * ema + 0.02 * value
                if bar is not None:
                    bar.update(1)
                    bar.set_postfix(loss=f"{ema:.4g}", epoch=epoch + 1, refresh=False)
                if interrupt_at is not None and step == interrupt_at:
                    raise TrainingInterrupted(f"simulated kill after step {step}", step=step)
                if step % config.checkpoint_every == 0 or step == total_steps or flag.received:
                    elapsed += time.perf_counter() - start
                    cpu += time.process_time() - start_cpu
                    start, start_cpu = time.perf_counter(), time.process_time()
                    checkpoint()
                if flag.received:
                    raise TrainingInterrupted(
                        f"{flag.received} at step {step}: checkpoint saved to {ckpt_path}; "
                        f"continue with --resume", step=step)
    finally:
        if bar is not None:
            bar.close()

    summary = {"model": spec.name, "config": {**asdict(config), "batch_size": batch_size},
               "steps": step, "epochs": step / batches_per_epoch, "train_examples": n,
               "device": str(device), "wall_s": elapsed, "cpu_s": cpu, "epoch_losses": history,
               "final_loss_ema": ema, "checkpoint": str(ckpt_path)}
    _write_json(out / "train.json", summary)
    return summary
