"""Fixtures of the models' smoke tests: a tiny synthetic data set in torchvision's layout.

The smoke path must not depend on a data set being installed, and must be fast: ``fake_root``
writes a few hundred random 28 x 28 "images" as idx files under ``ROOT/FashionMNIST/raw/`` (the
format torchvision reads), so the whole loading path (``models.data.load_split``) is exercised.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
import torch

from genspec.models.data import Split

N_TRAIN, N_TEST = 256, 200


def write_idx(path: Path, array: torch.Tensor) -> None:
    """Write a uint8 tensor as an idx file (magic 0x08 = unsigned byte, then the dimensions)."""
    header = struct.pack(">BBBB", 0, 0, 0x08, array.dim()) + b"".join(struct.pack(">I", d) for d in array.shape)
    path.write_bytes(header + array.contiguous().numpy().tobytes())


def fake_images(n: int, *, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` images with some structure (a bright blob whose place depends on the label) and labels."""
    g = torch.Generator().manual_seed(seed)
    labels = torch.randint(0, 10, (n,), generator=g)
    yy, xx = torch.meshgrid(torch.arange(28.0), torch.arange(28.0), indexing="ij")
    cy, cx = 6 + 1.6 * labels.float(), 20 - 1.2 * labels.float()
    blob = torch.exp(-((yy - cy[:, None, None]) ** 2 + (xx - cx[:, None, None]) ** 2) / 30.0)
    noise = torch.rand((n, 28, 28), generator=g) * 0.2
    return ((blob + noise).clamp(0, 1) * 255).round().to(torch.uint8), labels


def write_fake_dataset(root: Path, folder: str = "FashionMNIST") -> Path:
    raw = root / folder / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for split, n, seed in (("train", N_TRAIN, 1), ("t10k", N_TEST, 2)):
        images, labels = fake_images(n, seed=seed)
        write_idx(raw / f"{split}-images-idx3-ubyte", images)
        write_idx(raw / f"{split}-labels-idx1-ubyte", labels.to(torch.uint8))
    return root


@pytest.fixture(scope="session")
def fake_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A torchvision root with a tiny fake Fashion-MNIST (256 train, 200 test images)."""
    return write_fake_dataset(tmp_path_factory.mktemp("fake-data"))


@pytest.fixture(scope="session")
def fake_train(fake_root: Path) -> Split:
    from genspec.models.data import load_split

    return load_split("fashion-mnist", train=True, data_dir=fake_root)


@pytest.fixture(scope="session")
def fake_test(fake_root: Path) -> Split:
    from genspec.models.data import load_split

    return load_split("fashion-mnist", train=False, data_dir=fake_root)


@pytest.fixture(autouse=True)
def _one_cpu_thread():
    """The models' tests are tiny: one thread avoids oversubscribing a shared CPU; restored after."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
