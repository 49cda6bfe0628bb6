"""Image data for the reference models: MNIST and Fashion-MNIST in torchvision's layout.

The data sets are read from torchvision's layout
``<root>/<Class>/raw/{train,t10k}-{images-idx3,labels-idx1}-ubyte`` (``read_idx``, the same
tensors as ``torchvision.datasets.MNIST`` / ``FashionMNIST`` give, without importing torchvision,
which is needed only to download), and kept as uint8 ``images: (N, 28, 28)`` and int64
``labels: (N,)``; batches are transformed on the fly:

- ``unit``:        ``x = k / 255`` in [0, 1] (seed 001's Keras scaling, seed 004's MSE VAE);
- ``binarize``:    dynamic binarization ``x ~ Bernoulli(k / 255)``, a fresh draw every time a batch
                   is used, for Bernoulli-decoder VAEs (Salakhutdinov & Murray 2008; IWAE, Burda
                   et al. 2016, Section 5);
- ``dequantize``:  ``x = (k + u) / 256``, ``u ~ U[0, 1)``, i.e. ``(x_unit * 255 + u) / 256``, for
                   the flow, so that a density on [0, 1]^D gives a lower bound on the discrete
                   log-likelihood (NICE, Dinh et al. 2015, Section 5.1; Theis et al. 2016, 1511.01844).

All randomness comes from an explicit ``torch.Generator``.

Where the data comes from (``resolve_root``), in order:

1. ``data_dir`` (``--data-dir``): a user's own copy in torchvision's layout (or the four ``.gz``
   files, which are staged);
2. the default root (``$GENSPEC_DATA_DIR`` or ``~/.cache/genspec/data``); for Fashion-MNIST the
   files of the Debian package ``dataset-fashion-mnist`` (``/usr/share/datasets/fashion-mnist``)
   are staged there, decompressed, on first use;
3. ``download=True`` (``--download``): torchvision downloads where the network allows.

Otherwise ``DatasetNotFoundError`` says how to get the data. Each idx file is checked against its
own header (magic, shape, size) and the images against the labels; a truncated or damaged file,
or a ``.gz`` source that does not decompress, raises ``DatasetCorruptError`` naming the file.

References: seed 000 (``datasets.MNIST(..., transform=ToTensor())``), seed 001 (``x / 255.``),
seed 003 (NICE's MNIST experiment), seed 004 (MNIST, MSE on [0, 1]).
"""

from __future__ import annotations

import gzip
import math
import os
import shutil
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

import torch

__all__ = [
    "DATASETS",
    "DEBIAN_FASHION_MNIST",
    "TRANSFORMS",
    "DatasetCorruptError",
    "DatasetNotFoundError",
    "Split",
    "binarize",
    "default_root",
    "dequantize",
    "load_split",
    "read_idx",
    "resolve_root",
    "stage_raw_files",
    "transform_batch",
    "to_unit",
]

#: Command-line name -> torchvision class name (also the folder under the root).
DATASETS: dict[str, str] = {"fashion-mnist": "FashionMNIST", "mnist": "MNIST"}
#: Where the Debian package ``dataset-fashion-mnist`` installs its files.
DEBIAN_FASHION_MNIST = Path("/usr/share/datasets/fashion-mnist")
RAW_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
             "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
TRANSFORMS = ("unit", "binarize", "dequantize")


class DatasetNotFoundError(FileNotFoundError):
    """The data set is not on this machine; the message says how to get it."""


class DatasetCorruptError(ValueError):
    """A data file is truncated or damaged; the message names it and says what to do."""


@dataclass(frozen=True)
class Split:
    """One split of a data set: ``images`` uint8 ``(N, 28, 28)``, ``labels`` int64 ``(N,)``."""

    images: torch.Tensor
    labels: torch.Tensor
    dataset: str
    train: bool

    def __len__(self) -> int:
        return int(self.images.shape[0])

    def subset(self, limit: int | None) -> "Split":
        """The first ``limit`` examples (all when ``limit`` is None)."""
        if limit is None:
            return self
        if limit <= 0:
            raise ValueError(f"limit={limit}, but should be a positive number of examples")
        return Split(self.images[:limit], self.labels[:limit], self.dataset, self.train)


def default_root() -> Path:
    """``$GENSPEC_DATA_DIR``, else ``$XDG_CACHE_HOME/genspec/data`` (``~/.cache/genspec/data``)."""
    env = os.environ.get("GENSPEC_DATA_DIR")
    if env:
        return Path(env).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(cache) / "genspec" / "data"


def _raw_folder(root: Path, dataset: str) -> Path:
    return root / DATASETS[dataset] / "raw"


def _has_raw(root: Path, dataset: str) -> bool:
    raw = _raw_folder(root, dataset)
    return all((raw / name).is_file() for name in RAW_FILES)


def stage_raw_files(source: Path, root: Path, *, dataset: str = "fashion-mnist") -> Path:
    """Put the idx files found in ``source`` (``.gz`` or not) into ``root/<Class>/raw/``.

    Each file is decompressed to a temporary name and renamed into place (``os.replace``), so a
    crash never leaves a truncated file that torchvision would take for the data. Returns the raw
    folder.
    """
    raw = _raw_folder(root, dataset)
    raw.mkdir(parents=True, exist_ok=True)
    for name in RAW_FILES:
        target = raw / name
        if target.is_file():
            continue
        plain, packed = source / name, source / f"{name}.gz"
        tmp = raw / f".{name}.{os.getpid()}.tmp"
        if packed.is_file():
            try:
                with gzip.open(packed, "rb") as fin, open(tmp, "wb") as fout:
                    shutil.copyfileobj(fin, fout, length=1 << 20)
            except (EOFError, zlib.error, gzip.BadGzipFile) as err:
                tmp.unlink(missing_ok=True)
                raise DatasetCorruptError(f"{packed} is truncated or not a gzip file ({err}); get a fresh "
                                          f"copy") from None
        elif plain.is_file():
            shutil.copyfile(plain, tmp)
        else:
            raise DatasetNotFoundError(f"{source} has neither {name} nor {name}.gz")
        os.replace(tmp, target)
    return raw


def read_idx(path: Path, *, ndim: int) -> torch.Tensor:
    """The uint8 tensor in the idx file ``path``, of shape its header gives, once magic and size are checked.

    An idx file of unsigned bytes is ``0 0 0x08 ndim``, then ``ndim`` big-endian uint32 sizes,
    then ``prod(sizes)`` bytes. Anything else raises ``DatasetCorruptError`` naming ``path``.
    """
    data = path.read_bytes()
    offset = 4 + 4 * ndim
    if len(data) < offset or data[:3] != b"\x00\x00\x08" or data[3] != ndim:
        raise DatasetCorruptError(f"{path} is not an idx file of {ndim}-d unsigned bytes (bad header, "
                                  f"{len(data)} bytes): delete it and stage the data again")
    shape = struct.unpack(f">{ndim}I", data[4:offset])
    if len(data) != offset + math.prod(shape):
        raise DatasetCorruptError(f"{path} is truncated or damaged: {len(data)} bytes, but its header "
                                  f"{tuple(shape)} announces {offset + math.prod(shape)}; delete it and stage the "
                                  f"data again (or pass --data-dir with a good copy)")
    return torch.frombuffer(bytearray(data), dtype=torch.uint8, offset=offset).view(*shape)


def _how_to_get(dataset: str, root: Path) -> str:
    lines = [f"{dataset} not found under {root} (torchvision layout {root}/{DATASETS[dataset]}/raw/)."]
    if dataset == "fashion-mnist":
        lines.append("Get it with one of:\n  sudo apt-get install dataset-fashion-mnist   "
                     f"(files in {DEBIAN_FASHION_MNIST}, staged automatically)")
    else:
        lines.append("Get it with one of:")
    lines.append("  --data-dir DIR   a copy of the four idx files (.gz or not), in DIR, or in torchvision's layout")
    lines.append("  --download       let torchvision download it (needs network access)")
    return "\n".join(lines)


def resolve_root(dataset: str, *, data_dir: str | os.PathLike[str] | None = None,
                 download: bool = False) -> Path:
    """The torchvision root holding ``dataset``, staging or downloading it as the module says."""
    if dataset not in DATASETS:
        raise ValueError(f"dataset={dataset!r}, but should be one of {sorted(DATASETS)}")
    if data_dir is not None:
        given = Path(data_dir).expanduser()
        if _has_raw(given, dataset):
            return given
        for source in (given, given / DATASETS[dataset] / "raw", given / "raw"):
            if all((source / f"{n}.gz").is_file() or (source / n).is_file() for n in RAW_FILES):
                stage_raw_files(source, given, dataset=dataset)
                return given
        root = given
    else:
        root = default_root()
        if _has_raw(root, dataset):
            return root
        if dataset == "fashion-mnist" and all((DEBIAN_FASHION_MNIST / f"{n}.gz").is_file() for n in RAW_FILES):
            stage_raw_files(DEBIAN_FASHION_MNIST, root, dataset=dataset)
            return root
    if download:
        import torchvision

        cls = getattr(torchvision.datasets, DATASETS[dataset])
        try:
            cls(str(root), train=True, download=True)
        except Exception as err:  # network errors come in many types
            raise DatasetNotFoundError(f"downloading {dataset} failed ({err}).\n" + _how_to_get(dataset, root)) from err
        return root
    raise DatasetNotFoundError(_how_to_get(dataset, root))


def load_split(dataset: str = "fashion-mnist", *, train: bool, data_dir: str | os.PathLike[str] | None = None,
               download: bool = False, limit: int | None = None) -> Split:
    """Load one split as uint8 images ``(N, 28, 28)`` and int64 labels ``(N,)`` (first ``limit`` examples)."""
    root = resolve_root(dataset, data_dir=data_dir, download=download)
    prefix = "train" if train else "t10k"
    raw = _raw_folder(root, dataset)
    images = read_idx(raw / f"{prefix}-images-idx3-ubyte", ndim=3)
    labels = read_idx(raw / f"{prefix}-labels-idx1-ubyte", ndim=1)
    if images.shape[0] != labels.shape[0] or tuple(images.shape[1:]) != (28, 28):
        raise DatasetCorruptError(f"{raw}: {prefix} images {tuple(images.shape)} and labels {tuple(labels.shape)} do "
                                  f"not match (expected N x 28 x 28 images and N labels)")
    return Split(images, labels.long(), dataset, train).subset(limit)


def to_unit(images: torch.Tensor) -> torch.Tensor:
    """``k / 255``: uint8 ``(*batch, H, W)`` -> float32 in [0, 1]."""
    return images.to(torch.float32) / 255.0


def binarize(images: torch.Tensor, *, generator: torch.Generator | None) -> torch.Tensor:
    """Dynamic binarization ``x ~ Bernoulli(k / 255)``, float32 in {0, 1}, same shape."""
    return torch.bernoulli(to_unit(images), generator=generator)


def dequantize(images: torch.Tensor, *, generator: torch.Generator | None) -> torch.Tensor:
    """Uniform dequantization ``(k + u) / 256``, ``u ~ U[0, 1)``: float32 in [0, 1), same shape."""
    u = torch.rand(images.shape, generator=generator, dtype=torch.float32, device=images.device)
    return (images.to(torch.float32) + u) / 256.0


def transform_batch(images: torch.Tensor, kind: str, *, generator: torch.Generator | None) -> torch.Tensor:
    """Apply the transform named ``kind`` (one of ``TRANSFORMS``) to uint8 ``images``."""
    if kind == "unit":
        return to_unit(images)
    if kind == "binarize":
        return binarize(images, generator=generator)
    if kind == "dequantize":
        return dequantize(images, generator=generator)
    raise ValueError(f"kind={kind!r}, but should be one of {TRANSFORMS}")
