r"""The laws of any normalizing flow, judged through ``forward`` and ``inverse`` alone.

For a flow f (``forward``, data -> latent) with inverse g (``inverse``) and log-determinant outputs
``ld_f``, ``ld_g``, every case (dim, batch shape, seed) of float64 points x (data) and z (latent):

    g(f(x)) = x,   f(g(z)) = z                          round trip, both ways
    ld_f(x) = log|det ∂f/∂x (x)|                        oracle: autograd Jacobian + slogdet
    ld_g(f(x)) = -ld_f(x),  ld_g(z) = log|det ∂g/∂z|    inverse function theorem; oracle again
    ld has shape batch (not (B, 1), not summed over the batch) and x's dtype, float64 and float32
    float32 f and ld agree with float64 within the float32 tolerances        (numerics)
    f_b ∘ f_a: logdets add, the inverse runs g_a ∘ g_b                       (composition)
    the same generator seed builds the same flow and draws the same samples, whatever the global RNG
    forward and inverse raise for points of the wrong size D + 1                (validation)

The composition is written here in plain Python from two independently built flows, never through
the implementation's own composition. Tolerances: ``roundtrip`` (relative to the largest magnitude
among input and output) and ``logdet``.

References: seed 003_2bb67353180af150.txt, sections 直面概率积分 (eq. (5)-(6)) and flow (eq. (10)-(11));
Dinh et al., arXiv:1410.8516 §2-3; Papamakarios et al., arXiv:1912.02762 §2.2 (composition).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from genspec.protocols.core import NotApplicable, close, generator_for, reproducing
from genspec.protocols.flow_setup import (
    FlowSetup,
    build_flow,
    data_points,
    is_distribution,
    latent_points,
)
from genspec.protocols.jacobian import log_abs_det_jacobian, magnitude

__all__ = ["flow_composition", "flow_float32_matches_float64", "flow_forward_logdet", "flow_generator_honoured",
           "flow_inverse_logdet", "flow_rejects_the_wrong_size", "flow_round_trip", "flow_shapes_and_dtypes"]

F64, F32 = torch.float64, torch.float32
Make = Callable[..., Any]


def _pair(out: Any, where: str) -> tuple[torch.Tensor, torch.Tensor]:
    assert isinstance(out, tuple) and len(out) == 2, (
        f"{where} returned {type(out).__name__}, but should return a pair (output, logdet)")
    return out


def flow_round_trip(make: Make, *, dim: int, batch_shape: tuple[int, ...], seed: int) -> dict[str, Any]:
    """inverse(forward(x)) = x and forward(inverse(z)) = z; forward leaves its input unchanged."""
    setup = FlowSetup.of(make)
    with reproducing(dim=dim, batch_shape=batch_shape, seed=seed):
        flow, info = build_flow(make, dim, seed=seed, setup=setup)
        x = data_points((*batch_shape, dim), seed, domain=setup.domain)
        x_in = x.clone()
        z, _ = _pair(flow.forward(x_in), "forward")
        assert torch.equal(x_in, x), "forward changed its input in place"
        x_back, _ = _pair(flow.inverse(z), "inverse")
        scale = magnitude(x, z)
        worst = close((x_back - x) / scale, torch.zeros(x.shape, dtype=F64), kind="roundtrip",
                      what=f"inverse(forward(x)) = x, relative to {scale:.3g}")
        zz = latent_points((*batch_shape, dim), seed)
        xz, _ = _pair(flow.inverse(zz), "inverse")
        zz_back, _ = _pair(flow.forward(xz), "forward")
        scale = magnitude(zz, xz)
        worst = max(worst, close((zz_back - zz) / scale, torch.zeros(zz.shape, dtype=F64), kind="roundtrip",
                                 what=f"forward(inverse(z)) = z, relative to {scale:.3g}"))
    return {"max_error_over_tolerance": worst, **info}


def flow_forward_logdet(make: Make, *, dim: int, batch_shape: tuple[int, ...], seed: int) -> dict[str, Any]:
    """forward's logdet = log|det| of the autograd Jacobian of forward (float64, slogdet)."""
    setup = FlowSetup.of(make)
    with reproducing(dim=dim, batch_shape=batch_shape, seed=seed):
        flow, info = build_flow(make, dim, seed=seed, setup=setup)
        x = data_points((*batch_shape, dim), seed, domain=setup.domain)
        _, logdet = _pair(flow.forward(x), "forward")
        expected, oracle = log_abs_det_jacobian(flow.forward, x, batch_ranks=setup.batch_ranks)
        worst = close(logdet, expected, kind="logdet", what="forward logdet = log|det ∂forward/∂x|")
    return {"max_error_over_tolerance": worst, **oracle, **info}


def flow_inverse_logdet(make: Make, *, dim: int, batch_shape: tuple[int, ...], seed: int) -> dict[str, Any]:
    """inverse's logdet at forward(x) = -forward's logdet at x, and = log|det ∂inverse/∂z|."""
    setup = FlowSetup.of(make)
    with reproducing(dim=dim, batch_shape=batch_shape, seed=seed):
        flow, info = build_flow(make, dim, seed=seed, setup=setup)
        x = data_points((*batch_shape, dim), seed, domain=setup.domain)
        z, ld_forward = _pair(flow.forward(x), "forward")
        _, ld_inverse = _pair(flow.inverse(z.detach()), "inverse")
        worst = close(ld_inverse, -ld_forward.detach().to(F64), kind="logdet",
                      what="inverse logdet at forward(x) = -(forward logdet at x)")
        zz = latent_points((*batch_shape, dim), seed)
        _, ld_zz = _pair(flow.inverse(zz), "inverse")
        expected, oracle = log_abs_det_jacobian(flow.inverse, zz, batch_ranks=setup.batch_ranks)
        worst = max(worst, close(ld_zz, expected, kind="logdet", what="inverse logdet = log|det ∂inverse/∂z|"))
    return {"max_error_over_tolerance": worst, **oracle, **info}


def flow_shapes_and_dtypes(make: Make, *, dim: int, batch_shape: tuple[int, ...], seed: int) -> dict[str, Any]:
    """Outputs of shape (*batch, D), logdet (and log_prob) of shape batch, all in x's dtype (64 and 32)."""
    setup = FlowSetup.of(make)
    for dtype in (F64, F32):
        with reproducing(dim=dim, batch_shape=batch_shape, seed=seed, dtype=dtype):
            flow, _ = build_flow(make, dim, seed=seed, setup=setup, dtype=dtype)
            x = data_points((*batch_shape, dim), seed, domain=setup.domain, dtype=dtype)
            calls = [("forward", flow.forward), ("inverse", flow.inverse)]
            for where, fn in calls:
                y, logdet = _pair(fn(x if where == "forward" else latent_points(x.shape, seed, dtype=dtype)), where)
                assert y.shape == x.shape and y.dtype == dtype, (
                    f"{where}: output of shape {tuple(y.shape)} and dtype {y.dtype}, expected {tuple(x.shape)} {dtype}")
                assert isinstance(logdet, torch.Tensor) and logdet.shape == batch_shape, (
                    f"{where}: logdet of shape {tuple(getattr(logdet, 'shape', ()))}, expected the batch shape "
                    f"{batch_shape}: one log|det| per example, not (B, 1), not summed over the batch")
                assert logdet.dtype == dtype, f"{where}: logdet of dtype {logdet.dtype}, expected {dtype}"
            if is_distribution(flow):
                log_prob = flow.log_prob(x)
                assert log_prob.shape == batch_shape and log_prob.dtype == dtype, (
                    f"log_prob: shape {tuple(log_prob.shape)} dtype {log_prob.dtype}, expected {batch_shape} {dtype}")
                draws = flow.sample(3, generator=generator_for(seed, "sample"))
                assert draws.shape == (3, dim) and draws.dtype == dtype, (
                    f"sample(3): shape {tuple(draws.shape)} dtype {draws.dtype}, expected {(3, dim)} {dtype}")
    return {"distribution": is_distribution(flow)}


def flow_float32_matches_float64(make: Make, *, dim: int, batch_shape: tuple[int, ...], seed: int) -> dict[str, Any]:
    """The flow cast to float32 computes forward, logdet and the round trip within float32 tolerances."""
    setup = FlowSetup.of(make)
    with reproducing(dim=dim, batch_shape=batch_shape, seed=seed):
        flow64, _ = build_flow(make, dim, seed=seed, setup=setup)
        if not isinstance(flow64, nn.Module):
            raise NotApplicable(f"{type(flow64).__name__} is not an nn.Module: no float32 copy to make")
        flow32 = copy.deepcopy(flow64).to(F32)
        x = data_points((*batch_shape, dim), seed, domain=setup.domain)
        y64, ld64 = _pair(flow64.forward(x), "forward")
        y32, ld32 = _pair(flow32.forward(x.to(F32)), "forward (float32)")
        x32_back, _ = _pair(flow32.inverse(y32), "inverse (float32)")
        scale = magnitude(x, y64)
        zero = torch.zeros(x.shape, dtype=F64)
        worst = max(
            close((y32.to(F64) - y64) / scale, zero, kind="roundtrip", dtype=F32,
                  what=f"float32 forward vs float64, relative to {scale:.3g}"),
            close((x32_back.to(F64) - x) / scale, zero, kind="roundtrip", dtype=F32,
                  what=f"float32 round trip, relative to {scale:.3g}"),
            close(ld32, ld64, kind="logdet", what="float32 logdet vs float64"))
    return {"max_error_over_tolerance": worst}


def flow_composition(make: Make, *, dim: int, batch_shape: tuple[int, ...], seed: int) -> dict[str, Any]:
    """Two flows composed in plain Python (forward a then b): logdets add, the inverse runs b⁻¹ then a⁻¹."""
    setup = FlowSetup.of(make)
    if not setup.real_domain:
        raise NotApplicable(f"the data domain is {setup.domain}, not R^D: a latent is not a valid input")
    with reproducing(dim=dim, batch_shape=batch_shape, seed=seed):
        a, _ = build_flow(make, dim, seed=seed, setup=setup)
        b, _ = build_flow(make, dim, seed=seed + 1, setup=setup)

        def forward(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            h, ld_a = _pair(a.forward(x), "forward of the first flow")
            z, ld_b = _pair(b.forward(h), "forward of the second flow")
            return z, ld_a + ld_b

        def inverse(z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            h, ld_b = _pair(b.inverse(z), "inverse of the second flow")
            x, ld_a = _pair(a.inverse(h), "inverse of the first flow")
            return x, ld_b + ld_a

        x = data_points((*batch_shape, dim), seed)
        z, ld = forward(x)
        x_back, ld_back = inverse(z)
        scale = magnitude(x, z)
        expected, oracle = log_abs_det_jacobian(forward, x, batch_ranks=setup.batch_ranks)
        worst = max(
            close((x_back - x) / scale, torch.zeros(x.shape, dtype=F64), kind="roundtrip",
                  what=f"composite round trip, relative to {scale:.3g}"),
            close(ld, expected, kind="logdet", what="composite logdet = log|det| of the composite Jacobian"),
            close(ld_back, -ld.detach(), kind="logdet", what="composite inverse logdet = -forward logdet"))
    return {"max_error_over_tolerance": worst, **oracle}


def _under_global_seed(global_seed: int, fn: Callable[[], Any]) -> Any:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(global_seed)
        return fn()


def flow_generator_honoured(make: Make, *, dim: int, batch_shape: tuple[int, ...], seed: int) -> dict[str, Any]:
    """The same generator seed builds the same flow and draws the same samples, whatever the global RNG."""
    with reproducing(dim=dim, seed=seed):
        flows = [_under_global_seed(g, lambda: make(dim, generator=generator_for(seed, "factory"), dtype=F64))
                 for g in (1, 2)]
        setup = FlowSetup.of(make)
        x = data_points((*batch_shape, dim), seed, domain=setup.domain)
        z1, z2 = (f.forward(x)[0].detach() for f in flows)
        assert torch.equal(z1, z2), ("two flows built from generators with the same seed (under different "
                                     "global RNG states) differ: the factory draws from the global RNG")
        if not is_distribution(flows[0]):
            return {"distribution": False}
        draw = [_under_global_seed(g, lambda: flows[0].sample(16, generator=generator_for(seed, "draw")))
                for g in (1, 2)]
        assert torch.equal(draw[0], draw[1]), ("sample(n, generator=g) differs between two generators with "
                                               "the same seed: the draws come from the global RNG")
        other = flows[0].sample(16, generator=generator_for(seed + 1, "draw"))
        assert not torch.equal(draw[0], other), "sample(n, generator=g) is the same for different seeds"
    return {"distribution": True}


def flow_rejects_the_wrong_size(make: Make, *, dim: int, batch_shape: tuple[int, ...], seed: int) -> dict[str, Any]:
    """forward and inverse raise for points of size D + 1 instead of returning a result."""
    setup = FlowSetup.of(make)
    with reproducing(dim=dim, batch_shape=batch_shape, seed=seed):
        flow, _ = build_flow(make, dim, seed=seed, setup=setup)
        x = latent_points((*batch_shape, dim + 1), seed)
    for where, fn in (("forward", flow.forward), ("inverse", flow.inverse)):
        try:
            out = fn(x)
        except Exception:  # noqa: BLE001 - any exception rejects the input
            continue
        got = tuple(out[0].shape) if isinstance(out, tuple) and isinstance(out[0], torch.Tensor) else type(out).__name__
        raise AssertionError(f"{where} of points of size {dim + 1} (the flow is built for {dim}) returned {got} "
                             f"instead of raising [reproduce with dim={dim}, batch_shape={batch_shape}, seed={seed}]")
    return {}
