"""The targets of ``scripts/bad_input_matrix.py``: every contract name, its arguments and their kinds.

A :class:`Target` is one call of a contract name (a function, a constructor or a method of a
constructed object) with valid arguments (``valid()``, fresh each time) and the kind of each argument;
the matrix replaces one argument at a time by a bad value of its kind (``bad_values``). ``ALLOWED``
lists, with a reason, the (target, argument, case) triples whose inputs the contract allows: the call
may return (``accepted``); every other call must raise ``ValueError`` or ``TypeError`` naming the
argument (``docs/spec-api.md``, "Errors").
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

F64 = torch.float64


@dataclass(frozen=True)
class Target:
    label: str                                   # "LinearGaussian.log_marginal"
    contract: str                                # the contract name it exercises
    valid: Callable[[], dict[str, Any]]          # fresh valid keyword arguments
    call: Callable[[Any, dict[str, Any]], Any]   # (implementation module, arguments) -> result
    kinds: dict[str, str]                        # argument -> kind (see bad_values)


def _t(*rows: Any) -> torch.Tensor:
    return torch.tensor(rows, dtype=F64)


def _set_first(value: torch.Tensor, entry: float) -> torch.Tensor:
    out = value.clone()
    out.view(-1)[0] = entry
    return out


def _wider(value: torch.Tensor) -> torch.Tensor:
    """One more entry in the last dimension (a 1-d tensor: one more entry)."""
    return torch.cat([value, value[..., :1]], dim=-1)


def bad_values(kind: str, valid: Any) -> list[tuple[str, Any]]:
    """``(case, value)`` pairs of bad values of ``kind``, built from the argument's valid value."""
    if kind in ("tensor", "probabilities"):
        cases = [("nan", _set_first(valid, math.nan)), ("+inf", _set_first(valid, math.inf)),
                 ("-inf", _set_first(valid, -math.inf)), ("wider", _wider(valid)),
                 ("0-d", valid.reshape(-1)[0].clone())]
        if kind == "probabilities":
            cases += [("above 1", _set_first(valid, 1.5)), ("below 0", _set_first(valid, -0.5))]
        return cases + [("int64", valid.round().to(torch.int64)), ("bool", valid != 0), ("list", valid.tolist()),
                        ("str", "a"), ("None", None)]
    if kind == "index":  # an int64 tensor of indices (a permutation)
        return [("float", valid.to(F64)), ("bool", valid != 0), ("2-d", valid.unsqueeze(0)),
                ("list", valid.tolist()), ("str", "a"), ("None", None)]
    if kind == "mask":  # a bool tensor
        return [("float", valid.to(F64)), ("int64", valid.to(torch.int64)), ("2-d", valid.unsqueeze(0)),
                ("list", valid.tolist()), ("str", "a"), ("None", None)]
    if kind in ("number", "number_or_tensor"):
        return [("nan", math.nan), ("+inf", math.inf), ("-inf", -math.inf), ("bool", True), ("str", "a"),
                ("None", None), ("huge int", 10**400), ("complex", 1j), ("list", [0.5])]
    if kind == "integer":
        return [("float", 2.5), ("nan", math.nan), ("+inf", math.inf), ("bool", True), ("str", "a"),
                ("None", None), ("huge int", 2**64), ("negative", -3)]
    if kind == "generator":
        return [("int", 3), ("str", "seed"), ("bool", True)]
    if kind == "dtype":
        return [("str", "float32"), ("int64", torch.int64), ("bool", torch.bool)]
    if kind == "device":
        return [("str", "nonsense"), ("float", 1.5)]
    if kind == "flag":
        return [("str", "yes"), ("None", None), ("int", 2)]
    if kind == "choice":
        return [("str", "nonsense"), ("None", None), ("int", 3)]
    if kind == "callable":
        return [("int", 3), ("str", "a"), ("None", None)]
    if kind == "shape":
        return [("negative", (2, -1)), ("float", (2.5,)), ("str", "a"), ("None", None), ("bool", True),
                ("huge int", (2**64,))]
    if kind == "clip":
        return [("nan end", (math.nan, 1.0)), ("str end", (0.0, "1")), ("bool ends", (False, True)),
                ("number", 1.0), ("triple", (0.0, 1.0, 2.0)), ("reversed", (1.0, 0.0)),
                ("huge end", (0.0, 10**400))]
    if kind == "layers":
        return [("nn.Linear", [nn.Linear(4, 4).double()]), ("empty", []), ("int", 3), ("str", "a"),
                ("None", None), ("not a module", [lambda x: (x, x.sum(-1))])]
    if kind == "function":  # f of the gradient estimators: z (L, *batch, K) -> (L, *batch)
        return [("int", 3), ("None", None), ("per coordinate", lambda z: z.square()),
                ("one scalar", lambda z: z.square().sum()), ("returns a list", lambda z: [0.0]),
                ("returns nan", lambda z: z.sum(-1) * math.nan)]
    if kind == "reconstruct":
        return [("int", 3), ("None", None), ("wrong shape", lambda t: t[..., :1]),
                ("returns a list", lambda t: t.tolist()), ("returns nan", lambda t: t * math.nan)]
    raise ValueError(f"unknown kind {kind!r}")


class Shift(nn.Module):
    """A valid flow layer for ``FlowSequential``: ``x + 1`` with log_det 0."""

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return x + 1, x.new_zeros(x.shape[:-1])

    def inverse(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return z - 1, z.new_zeros(z.shape[:-1])


_WRONG_TYPE: dict[str, tuple[str, ...]] = {
    # kind -> the cases that are an object of the wrong type: TypeError (docs/spec-api.md, "Errors")
    **{kind: ("list", "str", "None") for kind in ("tensor", "probabilities", "index", "mask", "tensor_eps",
                                                  "tensor_gumbels", "levels")},
    "generator": ("int", "str", "bool"),
    "dtype": ("str",),
    "device": ("float",),
    "callable": ("int", "str", "None"),
    "function": ("int", "None", "returns a list"),
    "reconstruct": ("int", "None", "returns a list"),
    "layers": ("nn.Linear", "int", "str", "None", "not a module"),
}


def expected_error(kind: str, case: str) -> type[Exception]:
    """The exception the contract asks for: TypeError for an object of the wrong type, else ValueError."""
    return TypeError if case in _WRONG_TYPE.get(kind, ()) else ValueError


def _gen() -> torch.Generator:
    return torch.Generator().manual_seed(0)


def _fn(name: str) -> Callable[[Any, dict[str, Any]], Any]:
    return lambda m, a: getattr(m, name)(**a)


def _method(cls: str, build: dict[str, Any], method: str) -> Callable[[Any, dict[str, Any]], Any]:
    """Build ``cls(**build)`` (valid arguments) and call ``method(**arguments)`` on it."""
    def call(m: Any, a: dict[str, Any]) -> Any:
        obj = getattr(m, cls)(**build)
        if isinstance(obj, nn.Module):
            obj = obj.double()
        return (obj if method == "__call__" else getattr(obj, method))(**a)
    return call


def _gauss(*names: str, k: int = 3) -> Callable[[], dict[str, Any]]:
    return lambda: {n: _t([0.1 * (i + 1) - 0.2 * j for j in range(k)], [0.3, -0.1, 0.2][:k])
                    for i, n in enumerate(names)}


_LG = {"weight": torch.ones(3, 2, dtype=F64), "bias": torch.zeros(3, dtype=F64), "noise_var": 0.5}
_COUPLING = {"mask": torch.tensor([True, False, True, False]), "net": lambda t: t.flip(-1)}
_NICE = {"dim": 4, "couplings": 2, "hidden": 4, "depth": 1}
_PERMUTATION = {"permutation": torch.tensor([2, 0, 3, 1])}
_TENSOR2 = {"mu": "tensor", "logvar": "tensor"}


def _x3() -> dict[str, Any]:
    return {"x": _t([0.1, 0.2, 0.3], [0.5, 0.4, 0.6])}


def _x4(name: str) -> Callable[[], dict[str, Any]]:
    return lambda: {name: _t([0.1, -0.2, 0.3, 0.4], [0.5, 0.6, -0.7, 0.8])}


def _logits() -> torch.Tensor:
    return _t([0.5, -1.0, 2.0], [0.0, 0.0, 0.0])


def _y() -> torch.Tensor:
    return _t([0.2, 0.3, 0.5], [0.6, 0.3, 0.1])


def _function(name: str, valid: Callable[[], dict[str, Any]], kinds: dict[str, str]) -> Target:
    return Target(name, name, valid, _fn(name), kinds)


def _methods(cls: str, build: dict[str, Any], *methods: tuple[str, Callable[[], dict[str, Any]], dict[str, str]]
             ) -> list[Target]:
    return [Target(f"{cls}.{'forward' if m == '__call__' else m}", cls, valid, _method(cls, build, m), kinds)
            for m, valid, kinds in methods]


def _estimator(name: str) -> Target:
    return _function(name, lambda: {"f": lambda z: z.square().sum(-1), **_gauss("mu", "logvar")(), "eps": None,
                                    "num_samples": 2, "generator": _gen(), "reduction": "mean"},
                     {"f": "function", **_TENSOR2, "eps": "tensor_eps", "num_samples": "integer",
                      "generator": "generator", "reduction": "choice"})


def _gaussian_targets() -> list[Target]:
    return [
        _function("reparameterize", _gauss("mu", "logvar", "eps"), {**_TENSOR2, "eps": "tensor"}),
        _function("log_normal", _gauss("x", "mu", "logvar"), {"x": "tensor", "mu": "tensor", "logvar": "tensor"}),
        _function("kl_normal_std", _gauss("mu", "logvar"), _TENSOR2),
        _function("kl_normal", _gauss("mu_q", "logvar_q", "mu_p", "logvar_p"),
                  {n: "tensor" for n in ("mu_q", "logvar_q", "mu_p", "logvar_p")}),
        _function("bernoulli_log_prob", lambda: {"x": _y(), "logits": _logits()},
                  {"x": "probabilities", "logits": "tensor"}),
        _function("negative_elbo", lambda: {"x": _y(), "logits": _logits(), **_gauss("mu", "logvar", k=2)()},
                  {"x": "probabilities", "logits": "tensor", **_TENSOR2}),
        _function("iwae_bound", lambda: {"log_weights": _t([-1.0, -2.0], [-0.5, -3.0], [-2.0, -1.0])},
                  {"log_weights": "tensor"}),
        _function("LinearGaussian", lambda: dict(_LG), {"weight": "tensor", "bias": "tensor", "noise_var": "number"}),
        *_methods("LinearGaussian", _LG,
                  ("log_marginal", _x3, {"x": "tensor"}), ("posterior", _x3, {"x": "tensor"}),
                  ("best_diagonal_q", _x3, {"x": "tensor"}),
                  ("log_joint", lambda: {**_x3(), "z": _t([0.1, 0.2], [0.3, 0.4])}, {"x": "tensor", "z": "tensor"}),
                  ("elbo", lambda: {**_x3(), "mu": _t([0.1, 0.2], [0.3, 0.4]), "logvar": _t([0.0, -0.5], [0.2, 0.1])},
                   {"x": "tensor", **_TENSOR2}),
                  ("sample", lambda: {"n": 3, "generator": _gen()}, {"n": "integer", "generator": "generator"})),
        _estimator("score_function_gradient"), _estimator("reparameterization_gradient"),
    ]


def _gumbel_targets() -> list[Target]:
    return [
        _function("sample_gumbel", lambda: {"shape": (2, 3), "generator": _gen(), "dtype": F64, "device": "cpu"},
                  {"shape": "shape", "generator": "generator", "dtype": "dtype", "device": "device"}),
        _function("gumbel_max", lambda: {"logits": _logits(), "generator": _gen()},
                  {"logits": "tensor", "generator": "generator"}),
        _function("gumbel_softmax",
                  lambda: {"logits": _logits(), "tau": 0.5, "hard": False, "gumbels": None, "generator": _gen()},
                  {"logits": "tensor", "tau": "number_or_tensor", "hard": "flag", "gumbels": "tensor_gumbels",
                   "generator": "generator"}),
        _function("concrete_log_prob", lambda: {"y": _y(), "logits": _logits(), "tau": 0.5},
                  {"y": "tensor", "logits": "tensor", "tau": "number_or_tensor"}),
        _function("anneal_tau", lambda: {"step": 10, "tau0": 1.0, "rate": 1e-4, "tau_min": 0.5, "every": 1000},
                  {"step": "integer", "tau0": "number", "rate": "number", "tau_min": "number", "every": "integer"}),
    ]


def _flow_targets() -> list[Target]:
    x4 = {"x": "tensor"}
    return [
        _function("AdditiveCoupling", lambda: dict(_COUPLING), {"mask": "mask", "net": "callable"}),
        *_methods("AdditiveCoupling", _COUPLING, ("__call__", _x4("x"), x4), ("inverse", _x4("y"), {"y": "tensor"})),
        _function("Scaling", lambda: {"dim": 4}, {"dim": "integer"}),
        *_methods("Scaling", {"dim": 4}, ("__call__", _x4("h"), {"h": "tensor"}),
                  ("inverse", _x4("z"), {"z": "tensor"})),
        _function("NICE", lambda: {**_NICE, "prior": "logistic"},
                  {**{n: "integer" for n in ("dim", "couplings", "hidden", "depth")}, "prior": "choice"}),
        *_methods("NICE", _NICE, ("log_prob", _x4("x"), x4), ("__call__", _x4("x"), x4),
                  ("sample", lambda: {"n": 3, "temperature": 0.8, "generator": _gen()},
                   {"n": "integer", "temperature": "number", "generator": "generator"})),
        _function("bits_per_dim", lambda: {"log_likelihood": _t(-100.0, -50.0), "num_dims": 4, "n_bins": 256},
                  {"log_likelihood": "number_or_tensor_ll", "num_dims": "integer", "n_bins": "integer"}),
        _function("interleaved_mask", lambda: {"dim": 4, "odd": False, "device": "cpu"},
                  {"dim": "integer", "odd": "flag", "device": "device"}),
        _function("Permutation", lambda: dict(_PERMUTATION), {"permutation": "index"}),
        *_methods("Permutation", _PERMUTATION, ("__call__", _x4("x"), x4)),
        _function("ReversePermutation", lambda: {"dim": 4}, {"dim": "integer"}),
        _function("SwapHalves", lambda: {"dim": 4}, {"dim": "integer"}),
        _function("RandomPermutation", lambda: {"dim": 4, "generator": _gen()},
                  {"dim": "integer", "generator": "generator"}),
        Target("FlowSequential", "FlowSequential", lambda: {"layers": [Shift()]},
               lambda m, a: m.FlowSequential(**a).double()(_t([0.1, 0.2, 0.3, 0.4])), {"layers": "layers"}),
        Target("FlowSequential.forward", "FlowSequential", _x4("x"),
               lambda m, a: m.FlowSequential([m.Scaling(4), m.ReversePermutation(4)]).double()(**a), x4),
        _function("dequantize", lambda: {"x": _t(0.0, 3.0, 255.0), "n_bins": 256, "generator": _gen(), "dtype": None},
                  {"x": "levels", "n_bins": "integer", "generator": "generator", "dtype": "dtype"}),
    ]


def _autoencoder_targets() -> list[Target]:
    return [
        _function("sparse_kl", lambda: {"rho": 0.05, "rho_hat": _t(0.1, 0.5, 0.9)},
                  {"rho": "number_or_tensor", "rho_hat": "probabilities"}),
        _function("contractive_penalty",
                  lambda: {"x": _t([0.1, 0.2, 0.3]), "weight": _t([0.5, -0.5, 1.0], [1.0, 0.2, -0.3]),
                           "bias": _t(0.1, -0.2)},
                  {"x": "tensor", "weight": "tensor", "bias": "tensor"}),
        _function("masking_noise", lambda: {"x": _t([0.1, 0.2, 0.3, 0.4]), "fraction": 0.5, "generator": _gen()},
                  {"x": "tensor", "fraction": "number", "generator": "generator"}),
        _function("gaussian_noise",
                  lambda: {"x": _t([0.1, 0.2, 0.3, 0.4]), "std": 0.5, "clip": (0.0, 1.0), "generator": _gen()},
                  {"x": "tensor", "std": "number", "clip": "clip", "generator": "generator"}),
        _function("sparse_kl_penalty", lambda: {"h": _t([0.1, 0.5, 0.9], [0.2, 0.4, 0.6]), "rho": 0.05},
                  {"h": "probabilities", "rho": "number_or_tensor"}),
        _function("l1_activity_penalty", lambda: {"h": _t([0.1, -0.5, 0.9]), "weight": 1e-4},
                  {"h": "tensor", "weight": "number"}),
        _function("denoising_loss",
                  lambda: {"reconstruct": lambda t: 2 * t - 1, "x": _t([0.0, 1.0, 0.5]),
                           "x_noisy": _t([0.1, 0.9, 0.4])},
                  {"reconstruct": "reconstruct", "x": "probabilities", "x_noisy": "tensor"}),
    ]


def targets() -> list[Target]:
    """Every contract name (``genspec.contract.CONTRACT``), with its methods where it is a class."""
    return _gaussian_targets() + _gumbel_targets() + _flow_targets() + _autoencoder_targets()


# Kinds that are a tensor argument with a default of None (or a special valid value): their bad values
# are those of a tensor of the given shape.
TENSOR_LIKE: dict[str, Callable[[dict[str, Any]], torch.Tensor]] = {
    "tensor_eps": lambda a: torch.ones(2, *a["mu"].shape, dtype=F64),
    "tensor_gumbels": lambda a: torch.zeros_like(a["logits"]),
    "levels": lambda a: a["x"],
    "number_or_tensor_ll": lambda a: a["log_likelihood"],
}


ALLOWED: dict[tuple[str, str, str], str] = {
    # (target pattern, argument, case) -> why the contract allows the input
    ("iwae_bound", "log_weights", "-inf"): "a zero importance weight (spec-api.md)",
    ("gumbel_max", "logits", "-inf"): "a class that is never drawn (feature neg_inf_logits)",
    ("gumbel_softmax", "logits", "-inf"): "a class that is never drawn (feature neg_inf_logits)",
    ("gumbel_max", "logits", "wider"): "any number of classes K",
    ("gumbel_softmax", "logits", "wider"): "any number of classes K",
    ("gumbel_softmax", "gumbels", "None"): "the default: fresh noise from generator",
    ("*_gradient", "eps", "None"): "the default: num_samples draws from generator",
    ("LinearGaussian", "weight", "wider"): "any latent dimension K",
    ("Permutation.forward", "x", "int64"): "a permutation moves entries of any dtype",
    ("Permutation.forward", "x", "bool"): "a permutation moves entries of any dtype",
    ("concrete_log_prob", "y", "-inf"): "a point outside the open simplex: log density -inf",
    ("concrete_log_prob", "y", "+inf"): "a point outside the open simplex: log density -inf",
    ("bits_per_dim", "log_likelihood", "-inf"): "a zero density is +inf bits (spec-api.md)",
    ("bits_per_dim", "log_likelihood", "+inf"): "an infinite density (a point mass) is -inf bits",
    ("dequantize", "x", "int64"): "integer levels are the natural input",
    ("anneal_tau", "step", "huge int"): "a Python int step has no upper bound",
    ("anneal_tau", "every", "huge int"): "a Python int period has no upper bound",
    ("masking_noise", "x", "nan"): "values pass through: only round(fraction D) entries become 0",
    ("masking_noise", "x", "?inf"): "values pass through: only round(fraction D) entries become 0",
    ("masking_noise", "x", "int64"): "any dtype: only round(fraction D) entries become 0",
    ("masking_noise", "x", "bool"): "any dtype: only round(fraction D) entries become 0",
    ("masking_noise", "x", "wider"): "any shape (*batch, D)",
    ("gaussian_noise", "x", "wider"): "any shape (*S)",
    ("gaussian_noise", "x", "0-d"): "any shape (*S)",
    ("iwae_bound", "log_weights", "wider"): "any shape (k, *batch)",
    ("bits_per_dim", "log_likelihood", "wider"): "any shape (*batch)",
    ("bits_per_dim", "log_likelihood", "0-d"): "any shape (*batch)",
    ("dequantize", "x", "wider"): "any shape (*S)",
    ("dequantize", "x", "0-d"): "any shape (*S)",
    ("sparse_kl", "rho_hat", "wider"): "any number of units H",
    ("sparse_kl_penalty", "h", "wider"): "any number of units H",
    ("l1_activity_penalty", "h", "wider"): "any number of units H",
    ("gaussian_noise", "x", "+inf"): "x + std eps, clipped: an infinite pixel clips to the end of clip",
    ("gaussian_noise", "x", "-inf"): "x + std eps, clipped: an infinite pixel clips to the end of clip",
    ("gaussian_noise", "x", "nan"): "an elementwise corruption: a NaN pixel stays NaN (no value check)",
    ("*.forward", "*", "nan"): "the layers' forward and inverse need not check values (spec-api.md)",
    ("*.forward", "*", "+inf"): "the layers' forward and inverse need not check values (spec-api.md)",
    ("*.forward", "*", "-inf"): "the layers' forward and inverse need not check values (spec-api.md)",
    ("*.inverse", "*", "nan"): "the layers' forward and inverse need not check values (spec-api.md)",
    ("*.inverse", "*", "+inf"): "the layers' forward and inverse need not check values (spec-api.md)",
    ("*.inverse", "*", "-inf"): "the layers' forward and inverse need not check values (spec-api.md)",
}
"""Inputs the contract allows: the call may return, and its result may be non-finite."""
