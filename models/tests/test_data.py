"""Data: torchvision layout, staging of .gz files, the missing-data message, the transforms."""

from __future__ import annotations

import gzip

import pytest
import torch

from genspec.models import data
from genspec.models.data import DatasetNotFoundError, binarize, dequantize, load_split

pytestmark = pytest.mark.area("models")


def test_missing_dataset_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setenv("GENSPEC_DATA_DIR", str(tmp_path / "empty"))
    monkeypatch.setattr(data, "DEBIAN_FASHION_MNIST", tmp_path / "no-debian-package")
    with pytest.raises(DatasetNotFoundError) as err:
        load_split("fashion-mnist", train=False)
    message = str(err.value)
    assert "apt-get install dataset-fashion-mnist" in message
    assert "--data-dir" in message and "--download" in message
    with pytest.raises(DatasetNotFoundError, match="--data-dir"):
        load_split("mnist", train=False, data_dir=tmp_path / "nowhere")


def test_cli_reports_a_missing_dataset(tmp_path, monkeypatch, capsys):
    from genspec.cli import main

    monkeypatch.setattr(data, "DEBIAN_FASHION_MNIST", tmp_path / "no-debian-package")
    assert main(["train", "vae", "--steps", "1", "--data-dir", str(tmp_path / "nowhere"),
                 "--out", str(tmp_path / "run"), "--no-progress"]) == 1
    assert "apt-get install dataset-fashion-mnist" in capsys.readouterr().err


def test_gz_files_are_staged_into_torchvision_layout(fake_root, tmp_path):
    src = tmp_path / "gz"
    src.mkdir()
    for path in (fake_root / "FashionMNIST" / "raw").iterdir():
        (src / f"{path.name}.gz").write_bytes(gzip.compress(path.read_bytes()))
    split = load_split("fashion-mnist", train=False, data_dir=src)
    assert (src / "FashionMNIST" / "raw" / "t10k-images-idx3-ubyte").is_file()
    expected = load_split("fashion-mnist", train=False, data_dir=fake_root)
    assert torch.equal(split.images, expected.images) and torch.equal(split.labels, expected.labels)
    assert not list((src / "FashionMNIST" / "raw").glob(".*.tmp"))


@pytest.mark.slow
@pytest.mark.skipif(not (data.DEBIAN_FASHION_MNIST / "t10k-images-idx3-ubyte.gz").is_file(),
                    reason="the Debian package dataset-fashion-mnist is not installed")
def test_debian_fashion_mnist_is_staged_and_loaded(tmp_path, monkeypatch):
    monkeypatch.setenv("GENSPEC_DATA_DIR", str(tmp_path))
    split = load_split("fashion-mnist", train=False)
    assert split.images.shape == (10000, 28, 28) and split.images.dtype == torch.uint8
    assert sorted(split.labels.unique().tolist()) == list(range(10))


def test_limit_takes_the_first_examples(fake_root):
    split = load_split("fashion-mnist", train=True, data_dir=fake_root, limit=10)
    assert len(split) == 10
    with pytest.raises(ValueError, match="limit"):
        split.subset(0)


def test_dequantize_is_uniform_within_each_bin_and_reproducible():
    images = torch.arange(256, dtype=torch.uint8).repeat(50)
    x = dequantize(images, generator=torch.Generator().manual_seed(0))
    assert torch.equal(torch.floor(x * 256).to(torch.uint8), images)  # (k + u) / 256 stays in bin k
    assert x.min() >= 0 and x.max() < 1
    assert torch.equal(x, dequantize(images, generator=torch.Generator().manual_seed(0)))


def test_dynamic_binarization_is_fresh_each_call_and_reproducible():
    images = torch.full((1000,), 128, dtype=torch.uint8)
    g = torch.Generator().manual_seed(0)
    a, b = binarize(images, generator=g), binarize(images, generator=g)
    assert set(a.unique().tolist()) <= {0.0, 1.0} and not torch.equal(a, b)
    assert torch.equal(a, binarize(images, generator=torch.Generator().manual_seed(0)))
    assert torch.equal(binarize(torch.tensor([0, 255], dtype=torch.uint8), generator=g), torch.tensor([0.0, 1.0]))


def test_unknown_dataset_and_transform_are_refused():
    with pytest.raises(ValueError, match="dataset="):
        data.resolve_root("cifar10")
    with pytest.raises(ValueError, match="kind="):
        data.transform_batch(torch.zeros(1, dtype=torch.uint8), "whiten", generator=None)
