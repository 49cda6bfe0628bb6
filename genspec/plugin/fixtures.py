"""The fixtures a check may take: ``impl``, ``spec_seed``, ``make_generator``, ``generator``.

``device`` is not a fixture: collection parametrizes it (``genspec.plugin.collection``). An autouse
fixture gives every check of the run a fresh evidence list and a global torch RNG seeded from the
run's seed and the check's id (so ``nn.Module`` initialisation is deterministic), restored after
the check: nothing of the user's global RNG state is changed.
"""

from __future__ import annotations

from typing import Callable, Iterator

import pytest
import torch

from genspec import checks
from genspec.implementation import Implementation
from genspec.plugin.state import derive_seed, run_state


@pytest.fixture(scope="session")
def impl(request: pytest.FixtureRequest) -> Implementation:
    """The implementation under test; ``impl.NAME`` of a missing NAME ends the test as not provided."""
    state = run_state(request.config)
    assert state.impl is not None
    return state.impl


@pytest.fixture(scope="session")
def spec_seed(request: pytest.FixtureRequest) -> int:
    """The run's seed (``--genspec-seed``)."""
    return run_state(request.config).seed


@pytest.fixture
def make_generator(request: pytest.FixtureRequest, spec_seed: int) -> Callable[..., torch.Generator]:
    """A factory of generators seeded from the run's seed, the test id and an offset."""

    def make(seed_offset: int = 0, device: torch.device | str = "cpu") -> torch.Generator:
        seed = derive_seed(spec_seed, f"{request.node.nodeid}#{seed_offset}")
        checks.record(generator_seed=seed, seed_offset=seed_offset)
        return torch.Generator(device=device).manual_seed(seed)

    return make


@pytest.fixture
def generator(make_generator: Callable[..., torch.Generator]) -> torch.Generator:
    """A CPU generator seeded from the run's seed and the test id."""
    return make_generator(0)


@pytest.fixture(autouse=True)
def _genspec_check_setup(request: pytest.FixtureRequest, spec_seed: int) -> Iterator[None]:
    """A fresh evidence list, and the global torch RNG seeded per check and restored afterwards."""
    checks.reset_evidence()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(derive_seed(spec_seed, request.node.nodeid + "#global"))
        yield
