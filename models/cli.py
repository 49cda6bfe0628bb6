"""``genspec train MODEL`` and ``genspec evaluate MODEL``: the reference models from the command line.

    genspec train MODEL [--epochs N | --steps N] [--batch-size B] [--seed S] [--device auto|cpu|cuda]
                        [--dataset fashion-mnist|mnist] [--data-dir DIR] [--download] [--out DIR]
                        [--resume | --resume-or-start] [--checkpoint-every N] [--limit N] [--threads N]
                        [--no-progress]
    genspec evaluate MODEL --checkpoint PATH [--iwae-k K] [--figures DIR] [--limit N] [--metrics PATH]
                        [--seed S] [--device ...] [--dataset ...] [--data-dir DIR] [--download]

``train`` checks that ``OUT`` is writable before the first step, writes ``OUT/checkpoint.pt``
(atomically, with a SHA-256, every ``--checkpoint-every`` steps, at the end and on Ctrl-C; the
previous one is kept as ``OUT/checkpoint.prev.pt``) and ``OUT/train.json``. ``--resume`` continues
from the newest usable checkpoint (a damaged newest one is reported and the previous one used) and
is an error when there is none; ``--resume-or-start`` then starts a new run. ``--limit`` takes the
first N training (``train``) or test (``evaluate``) images. ``evaluate`` refuses a damaged checkpoint
or one with non-finite weights, writes the metrics as strict JSON (default: ``metrics.json`` next
to the checkpoint; a non-finite metric is written as null and makes the exit code 1) and, with
``--figures``, PNG figures. Exit codes: 0 done, 1 error (one message on stderr, no traceback),
130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import Any

__all__ = ["evaluate_command", "register", "train_command"]


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a positive integer")
    return value


def _data_args(p: argparse.ArgumentParser, *, dataset_default: str | None) -> None:
    from genspec.models.data import DATASETS

    p.add_argument("--dataset", choices=sorted(DATASETS), default=dataset_default,
                   help="data set (default: fashion-mnist; evaluate: the checkpoint's)")
    p.add_argument("--data-dir", default=None, help="a copy of the data set (torchvision layout or the .gz files)")
    p.add_argument("--download", action="store_true", help="let torchvision download the data set")
    p.add_argument("--device", default="auto", help="auto (CUDA when present), cpu, cuda, cuda:N, mps")
    p.add_argument("--seed", type=int, default=0, help="random seed (same seed, same run)")
    p.add_argument("--limit", type=_positive, default=None, help="use only the first N examples")
    p.add_argument("--threads", type=_positive, default=None, help="torch CPU threads")


def register(subparsers: Any) -> None:
    """Add ``train`` and ``evaluate`` to the ``genspec`` command's subparsers."""
    from genspec.models.registry import names

    models = names()
    train = subparsers.add_parser("train", help="train a reference model",
                                  description="Train a reference model (checkpoints, --resume, progress bar).")
    train.add_argument("model", choices=models, metavar="MODEL", help="one of: " + ", ".join(models))
    group = train.add_mutually_exclusive_group()
    group.add_argument("--epochs", type=_positive, default=None, help="epochs (default: the model's)")
    group.add_argument("--steps", type=_positive, default=None, help="total optimiser steps (instead of epochs)")
    train.add_argument("--batch-size", type=_positive, default=None, help="default: the model's")
    _data_args(train, dataset_default="fashion-mnist")
    train.add_argument("--out", default=None, help="run directory (default: runs/MODEL)")
    resume = train.add_mutually_exclusive_group()
    resume.add_argument("--resume", action="store_true",
                        help="continue from the newest usable checkpoint in OUT (an error if there is none)")
    resume.add_argument("--resume-or-start", action="store_true",
                        help="like --resume, but start a new run when OUT holds no checkpoint")
    train.add_argument("--checkpoint-every", type=_positive, default=500, help="steps between checkpoints")
    train.add_argument("--no-progress", action="store_true", help="no progress bar")
    train.set_defaults(func=train_command)

    ev = subparsers.add_parser("evaluate", help="evaluate a trained reference model",
                               description="Test-set metrics in the papers' units, and figures.")
    ev.add_argument("model", choices=models, metavar="MODEL", help="one of: " + ", ".join(models))
    ev.add_argument("--checkpoint", required=True, help="checkpoint.pt written by genspec train")
    ev.add_argument("--iwae-k", type=int, default=5000, help="importance samples for log p(x) of the Gaussian-latent VAEs (default 5000, the IWAE "
                         "paper's; 0 skips it; on a CPU combine with --limit)")
    ev.add_argument("--figures", default=None, help="write PNG figures to this directory")
    ev.add_argument("--metrics", default=None, help="metrics JSON path (default: next to the checkpoint)")
    ev.add_argument("--batch-size", type=_positive, default=100, help="test examples per batch")
    _data_args(ev, dataset_default=None)
    ev.set_defaults(func=evaluate_command)


def _threads(n: int | None) -> None:
    if n is not None:
        import torch

        torch.set_num_threads(n)


def train_command(args: argparse.Namespace) -> int:
    from genspec.models.data import DatasetNotFoundError
    from genspec.models.training import NonFiniteLossError, TrainConfig, TrainingInterrupted, train

    _threads(args.threads)
    try:
        config = TrainConfig(model=args.model, epochs=args.epochs, steps=args.steps, batch_size=args.batch_size,
                             seed=args.seed, device=args.device, dataset=args.dataset, data_dir=args.data_dir,
                             download=args.download, limit=args.limit, out=args.out,
                             checkpoint_every=args.checkpoint_every, progress=not args.no_progress)
        summary = train(config, resume=args.resume or args.resume_or_start, start_if_missing=args.resume_or_start,
                        handle_signals=True)
    except TrainingInterrupted as err:
        print(f"genspec train: {err}", file=sys.stderr)
        return 130
    except KeyboardInterrupt:  # before the loop's own handler is installed: nothing to save yet
        print("genspec train: interrupted before training started; nothing was lost", file=sys.stderr)
        return 130
    except (DatasetNotFoundError, NonFiniteLossError, FileExistsError, ValueError, OSError) as err:
        # ValueError covers CheckpointError, DatasetCorruptError; OSError covers RunDirError, FileNotFoundError
        print(f"genspec train: error: {err}", file=sys.stderr)
        return 1
    print(f"genspec train: {summary['model']}: {summary['steps']} steps ({summary['epochs']:.2f} epochs) in "
          f"{summary['wall_s']:.1f} s ({summary['cpu_s']:.1f} s CPU) on {summary['device']}; "
          f"checkpoint {summary['checkpoint']}")
    return 0


def _nonfinite_tensors(tensors: dict[str, Any]) -> list[str]:
    """Names of the floating-point tensors of a state dict holding NaN or infinity."""
    import torch

    return [k for k, v in tensors.items()
            if isinstance(v, torch.Tensor) and v.is_floating_point() and not bool(torch.isfinite(v).all())]


def _strict(metrics: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """``metrics`` with every non-finite float replaced by None, and the names of those metrics."""
    bad = [k for k, v in metrics.items() if isinstance(v, float) and not math.isfinite(v)]
    return {k: (None if k in bad else v) for k, v in metrics.items()}, bad


def _error(message: object) -> int:
    print(f"genspec evaluate: error: {message}", file=sys.stderr)
    return 1


def evaluate_command(args: argparse.Namespace) -> int:
    import torch

    from genspec.models.checkpoints import CheckpointError, previous_path
    from genspec.models.data import DatasetNotFoundError, load_split
    from genspec.models.evaluation import evaluate_model, test_batches
    from genspec.models.registry import get
    from genspec.models.training import load_checkpoint, resolve_device

    _threads(args.threads)
    try:
        spec = get(args.model)
        device = resolve_device(args.device)
        state = load_checkpoint(args.checkpoint)
        if state["config"]["model"] != spec.name:
            raise ValueError(f"MODEL={spec.name!r}, but the checkpoint holds {state['config']['model']!r}")
        bad = _nonfinite_tensors(state["model"])
        if bad:
            raise ValueError(f"checkpoint {args.checkpoint}: the model's weights are not finite (NaN or infinity in "
                             f"{', '.join(bad[:5])}{' ...' if len(bad) > 5 else ''}); evaluate an earlier checkpoint")
        model = spec.build(**state["config"]["kwargs"])
        try:
            model.load_state_dict(state["model"])
        except RuntimeError as err:
            raise ValueError(f"checkpoint {args.checkpoint} does not fit {spec.name}: {err}") from None
        model.to(device)
        dataset = args.dataset or state["config"]["dataset"]
        split = load_split(dataset, train=False, data_dir=args.data_dir, download=args.download, limit=args.limit)
    except CheckpointError as err:
        previous = previous_path(args.checkpoint)
        return _error(f"{err}" + (f" (the previous checkpoint {previous} may be usable)" if previous.exists() else ""))
    except (DatasetNotFoundError, OSError, ValueError) as err:  # DatasetCorruptError is a ValueError
        return _error(err)
    start, start_cpu = time.perf_counter(), time.process_time()
    try:
        metrics = evaluate_model(spec, model, split, device=device, iwae_k=args.iwae_k, seed=args.seed,
                                 step=state["step"], batch_size=args.batch_size)
    except KeyboardInterrupt:
        print("genspec evaluate: interrupted; no metrics written", file=sys.stderr)
        return 130
    metrics.update(train_steps=state["step"], train_epochs=state["step"] / state["batches_per_epoch"],
                   train_wall_s=state["elapsed"], train_cpu_s=state["cpu_s"],
                   eval_wall_s=time.perf_counter() - start, eval_cpu_s=time.process_time() - start_cpu,
                   device=str(device), checkpoint=str(args.checkpoint),
                   torch_threads=torch.get_num_threads())
    metrics, nonfinite = _strict(metrics)
    if nonfinite:
        metrics["nonfinite_metrics"] = nonfinite
    elif args.figures:
        from genspec.models.figures import model_figures

        x, labels = test_batches(split, spec.transform, batch_size=min(len(split), 2000), seed=args.seed)[0]
        paths = model_figures(spec.kind, spec.name, model, x, labels, args.figures, device=device,
                              seed=args.seed, step=state["step"])
        metrics["figures"] = [str(p) for p in paths]
    text = json.dumps(metrics, indent=2, allow_nan=False)
    path = Path(args.metrics) if args.metrics else Path(args.checkpoint).with_name("metrics.json")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n")
    except OSError as err:
        return _error(f"could not write the metrics to {path} ({err.strerror or err})")
    print(text)
    if nonfinite:
        return _error(f"{spec.name}: the metrics {', '.join(nonfinite)} are not finite (written as null to {path}); "
                      f"the model's outputs overflow")
    return 0
