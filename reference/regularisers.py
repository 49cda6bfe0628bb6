"""Autoencoder regularisers and corruptions (seeds 001, 002): the contract's autoencoder names.

Each concept lives in its own module; this one gathers their public names for
``reference/__init__.py``:

- ``reference.sparse``: ``sparse_kl``, ``sparse_kl_penalty``, ``l1_activity_penalty``;
- ``reference.contractive``: ``contractive_penalty``;
- ``reference.corruptions``: ``masking_noise``, ``gaussian_noise``;
- ``reference.denoising``: ``denoising_loss``.
"""

from __future__ import annotations

from genspec.reference.contractive import *  # noqa: F401,F403
from genspec.reference.contractive import __all__ as _contractive
from genspec.reference.corruptions import *  # noqa: F401,F403
from genspec.reference.corruptions import __all__ as _corruptions
from genspec.reference.denoising import *  # noqa: F401,F403
from genspec.reference.denoising import __all__ as _denoising
from genspec.reference.sparse import *  # noqa: F401,F403
from genspec.reference.sparse import __all__ as _sparse

__all__: list[str] = [*_sparse, *_contractive, *_corruptions, *_denoising]
