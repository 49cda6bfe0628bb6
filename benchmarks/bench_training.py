"""Benchmark: training throughput (examples/s) and peak memory of each reference model, CPU and CUDA.

A script, not a test. Each (model, device) is measured in a fresh subprocess: build the model and
its optimiser, run ``--warmup`` steps, then time ``--steps`` optimiser steps of the model's own
``training_loss`` on random uint8 images put through the model's data transform, at the model's
default batch size (or ``--batch-size``). Reported: examples/s, ms/step, the peak resident memory
of the process above its level before the first step (CPU; ``ru_maxrss``), and the peak CUDA
memory allocated (``torch.cuda.max_memory_allocated``).

Peer comparison, measured in the same run: NICE's workload (4 additive couplings of 5 x 1000 ReLU
MLPs on 392 -> 392 features, D = 784, Gaussian prior, Adam) on ``nflows`` and on ``normflows``
when installed, against the same workload on ``reference.NICE(prior="gaussian")``; the ratio is
genspec's examples/s over the peer's. The peers lack NICE's final diagonal scaling (784
multiplications per example, negligible next to the 4 x 4.8M multiply-adds of the couplings).
normflows' ``MaskedAffineFlow`` wants its shift network to return all D features (it masks them),
so there the last layer is 1000 -> 784 instead of 1000 -> 392: about 8% more multiply-adds.

    python benchmarks/bench_training.py [--models vae nice ...] [--devices cpu cuda] [--steps 20]
                                        [--threads 1] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PEERS = ("genspec-nice-gaussian", "nflows-nice", "normflows-nice")


def _rss_mib() -> float:
    """Current resident set size of this process, MiB (Linux /proc)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _mlp(n_in: int, n_out: int, hidden: int = 1000, depth: int = 5):
    from torch import nn

    layers, width = [], n_in
    for _ in range(depth):
        layers += [nn.Linear(width, hidden), nn.ReLU()]
        width = hidden
    return nn.Sequential(*layers, nn.Linear(width, n_out))


def _peer_nice(name: str):
    """``(module, loss_fn(x) -> scalar)`` for the NICE workload on a peer library (or genspec)."""
    import torch

    dim = 784
    if name == "genspec-nice-gaussian":
        from genspec.reference import NICE

        flow = NICE(dim, couplings=4, hidden=1000, depth=5, prior="gaussian")
        return flow, lambda x: -flow.log_prob(x).mean()
    if name == "nflows-nice":
        from nflows.distributions import StandardNormal
        from nflows.flows import Flow
        from nflows.transforms import CompositeTransform
        from nflows.transforms.coupling import AdditiveCouplingTransform

        class _Net(torch.nn.Module):  # nflows calls transform_net(x, context)
            def __init__(self, n_in: int, n_out: int) -> None:
                super().__init__()
                self.net = _mlp(n_in, n_out)

            def forward(self, x, context=None):
                return self.net(x)

        masks = [torch.arange(dim) % 2 == k % 2 for k in range(4)]  # alternate even / odd halves
        flow = Flow(CompositeTransform([AdditiveCouplingTransform(m.float(), _Net) for m in masks]),
                    StandardNormal([dim]))
        return flow, lambda x: -flow.log_prob(x).mean()
    if name == "normflows-nice":
        import normflows as nf

        class _Half(torch.nn.Module):  # normflows' MaskedAffineFlow feeds the masked full vector
            def __init__(self, keep: torch.Tensor) -> None:
                super().__init__()
                self.register_buffer("keep", keep)
                self.net = _mlp(int(keep.sum()), dim)

            def forward(self, z):
                return self.net(z[:, self.keep])

        flows = []
        for k in range(4):
            b = (torch.arange(dim) % 2 == k % 2).float()
            flows.append(nf.flows.MaskedAffineFlow(b, t=_Half(b.bool()), s=None))
        model = nf.NormalizingFlow(nf.distributions.DiagGaussian(dim, trainable=False), flows)
        return model, lambda x: model.forward_kld(x)
    raise ValueError(f"peer={name!r}, but should be one of {PEERS}")


def measure_one(name: str, device_name: str, *, steps: int, warmup: int, batch_size: int | None,
                threads: int | None) -> dict:
    """Throughput and memory of one model on one device (run in a fresh process)."""
    import torch

    if threads:
        torch.set_num_threads(threads)
    from genspec.models.data import transform_batch

    device = torch.device(device_name)
    gen = torch.Generator().manual_seed(0)
    if name in PEERS:
        module, loss_fn = _peer_nice(name)
        transform, bs, optim = "dequantize", batch_size or 256, lambda p: torch.optim.Adam(p, lr=1e-3)
        flat = True
    else:
        from genspec.models.registry import get

        spec = get(name)
        torch.manual_seed(0)
        module = spec.make_model()
        model_gen = torch.Generator(device=device).manual_seed(1)
        def loss_fn(x):
            return module.training_loss(x, generator=model_gen, step=0)[0]
        transform, bs, optim, flat = spec.transform, batch_size or spec.batch_size, spec.make_optimizer, False
    module = module.to(device)
    opt = optim(module.parameters())
    images = torch.randint(0, 256, (bs, 28, 28), dtype=torch.uint8, generator=gen)

    def step() -> None:
        x = transform_batch(images, transform, generator=gen).unsqueeze(1).to(device)
        loss = loss_fn(x.flatten(1) if flat else x)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    rss0 = _rss_mib()
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    for _ in range(warmup):
        step()
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    start = time.perf_counter()
    for _ in range(steps):
        step()
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    wall = time.perf_counter() - start
    out = {"model": name, "device": device_name, "batch_size": bs, "steps": steps,
           "examples_per_s": steps * bs / wall, "ms_per_step": 1000 * wall / steps,
           "peak_rss_increase_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - rss0,
           "threads": torch.get_num_threads()}
    if device.type == "cuda":
        out["peak_cuda_mib"] = torch.cuda.max_memory_allocated(device) / 2**20
        out["gpu"] = torch.cuda.get_device_name(device)
    return out


def _available_peers() -> list[str]:
    import importlib.util

    peers = ["genspec-nice-gaussian"]
    peers += [p for p, mod in (("nflows-nice", "nflows"), ("normflows-nice", "normflows"))
              if importlib.util.find_spec(mod) is not None]
    return peers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", nargs="*", default=None, help="default: every registered model")
    parser.add_argument("--devices", nargs="*", default=None, help="default: cpu, and cuda when present")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=None, help="default: each model's")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads in each measurement")
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--json", default=None, help="also write the results here")
    parser.add_argument("--one", nargs=2, metavar=("MODEL", "DEVICE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure_one(args.one[0], args.one[1], steps=args.steps, warmup=args.warmup,
                                     batch_size=args.batch_size, threads=args.threads)))
        return 0

    import torch

    from genspec.models.registry import names

    devices = args.devices or (["cpu", "cuda"] if torch.cuda.is_available() else ["cpu"])
    items = list(args.models or names()) + ([] if args.no_peers else _available_peers())
    results = []
    print(f"{'model':<24}{'device':<8}{'batch':>6}{'examples/s':>13}{'ms/step':>10}{'peak MiB':>10}", flush=True)
    for device in devices:
        for name in items:
            cmd = [sys.executable, __file__, "--one", name, device, "--steps", str(args.steps),
                   "--warmup", str(args.warmup)]
            cmd += ["--batch-size", str(args.batch_size)] if args.batch_size else []
            cmd += ["--threads", str(args.threads)] if args.threads else []
            proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
            if proc.returncode != 0:
                print(f"{name:<24}{device:<8} failed: {proc.stderr.strip().splitlines()[-1:]}", flush=True)
                continue
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            results.append(r)
            peak = r.get("peak_cuda_mib", r["peak_rss_increase_mib"])
            print(f"{name:<24}{device:<8}{r['batch_size']:>6}{r['examples_per_s']:>13.1f}{r['ms_per_step']:>10.1f}"
                  f"{peak:>10.1f}", flush=True)
    for device in devices:
        ours = [r for r in results if r["model"] == "genspec-nice-gaussian" and r["device"] == device]
        for r in results:
            if ours and r["device"] == device and r["model"] in PEERS[1:]:
                ratio = ours[0]["examples_per_s"] / r["examples_per_s"]
                r["genspec_over_peer"] = ratio
                print(f"NICE workload on {device}: genspec / {r['model'].split('-')[0]} throughput = {ratio:.2f}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
