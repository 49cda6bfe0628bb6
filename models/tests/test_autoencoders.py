"""Smoke and structure tests of the autoencoder family (seeds 001, 002): shapes, losses, training.

Each loss is recomputed here from the model's own parameters in float64, independently of the
model's code path: the per-pixel BCE as ``softplus(l) − x·l``, the penalties written out.

Training steps here are plain gradient steps (``_SGD``): constructing any ``torch.optim`` optimiser
imports ``torch._dynamo``, about 2 s, which would be most of this area's time budget.
"""

from __future__ import annotations

import copy
from functools import partial

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from genspec.checks import assert_close, record
from genspec.models.autoencoders import (
    ContractiveAE, ConvAE, DeepAE, DenoisingConvAE, DenseAE, Seq2SeqAE, SparseKLAE, SparseL1AE, StackedAE,
    greedy_pretrain, registry,
)

pytestmark = pytest.mark.area("autoencoders")

CODE_SHAPES = {
    "dense_ae": (32,), "sparse_l1_ae": (32,), "sparse_kl_ae": (32,), "deep_ae": (32,),
    "conv_ae": (8, 4, 4), "denoising_gaussian_ae": (32, 7, 7), "denoising_masking_ae": (32, 7, 7),
    "contractive_ae": (32,), "stacked_ae": (32,), "seq2seq_ae": (32,),
}


def _images(b: int = 3, *, dtype: torch.dtype = torch.float32, seed: int = 0) -> torch.Tensor:
    return torch.rand(b, 1, 28, 28, generator=torch.Generator().manual_seed(seed), dtype=dtype)


def _bce(logits: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Independent per-pixel BCE (mean over everything) from logits, in float64."""
    logits, x = logits.double(), x.double()
    return (F.softplus(logits) - x * logits).mean()


class _SGD:
    """The part of ``torch.optim.Optimizer`` a training step uses: ``p <- p - lr * grad``."""

    def __init__(self, params, lr: float) -> None:
        self.params, self.lr = list(params), lr

    def zero_grad(self, set_to_none: bool = True) -> None:
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self) -> None:
        for p in self.params:
            if p.grad is not None:
                p.sub_(self.lr * p.grad)


def test_registry_names_every_model():
    assert set(registry) == set(CODE_SHAPES)


@pytest.mark.parametrize("name", sorted(CODE_SHAPES))
def test_shapes_of_code_and_reconstruction(name):
    model = registry[name]()
    for x in (_images(2), _images(2).reshape(2, 784), _images(2).reshape(2, 28, 28)):
        code, out = model.encode(x), model.reconstruct(x)
        assert tuple(code.shape) == (2, *CODE_SHAPES[name]), f"{name}: code shape {tuple(code.shape)}"
        assert out.shape == x.shape, f"{name}: reconstruction shape {tuple(out.shape)} for input {tuple(x.shape)}"
        assert bool(((out >= -1) & (out <= 1)).all())
    with pytest.raises(ValueError, match="x"):
        model.training_loss(torch.rand(2, 783))
    with pytest.raises(ValueError, match="x"):
        model.encode(torch.rand(2, 1, 32, 32))


def test_conv_code_is_8x4x4_only_with_same_padded_pooling():
    # Seed 001: "at this point the representation is (8, 4, 4) i.e. 128-dimensional". Keras'
    # MaxPooling2D(border_mode='same') maps 7 -> 4; PyTorch's default (floor) pooling maps 7 -> 3.
    model = ConvAE()
    code = model.encode(_images(1))
    assert tuple(code.shape[1:]) == (8, 4, 4) and code[0].numel() == 128
    assert tuple(model.decode_logits(code).shape[1:]) == (1, 28, 28)
    floor = copy.deepcopy(model)
    for module in floor.modules():
        if isinstance(module, nn.MaxPool2d):
            module.ceil_mode = False
    code3 = floor.encode(_images(1))
    assert tuple(code3.shape[1:]) == (8, 3, 3)
    assert tuple(floor.decode_logits(code3).shape[1:]) == (1, 20, 20)  # 3 -> 6 -> 12 -> 10 -> 20
    record(code_shape=list(code.shape[1:]), floor_pool_code_shape=list(code3.shape[1:]))


@pytest.mark.parametrize("name", sorted(CODE_SHAPES))
def test_one_training_step_changes_every_parameter_and_evaluation_changes_none(name, device):
    model = registry[name]().to(device)
    x = _images(4).to(device)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    model.eval()
    with torch.no_grad():
        model.training_loss(x, generator=torch.Generator().manual_seed(1))
        model.reconstruct(x)
        model.encode(x)
    after_eval = model.state_dict()
    assert all(torch.equal(before[k], after_eval[k]) for k in before), f"{name}: evaluation changed the state"
    assert all(p.grad is None for p in model.parameters()), f"{name}: evaluation left gradients"

    model.train()
    opt = _SGD(model.parameters(), lr=1e-2)
    loss, metrics = model.training_loss(x, generator=torch.Generator().manual_seed(1), step=None)
    assert loss.dim() == 0 and torch.isfinite(loss), f"{name}: loss {loss}"
    assert all(v.dim() == 0 for v in metrics.values())
    opt.zero_grad(set_to_none=True)
    loss.backward()
    no_grad = [k for k, p in model.named_parameters() if p.grad is None or not bool(p.grad.any())]
    assert not no_grad, f"{name}: the training loss gives no gradient to {no_grad}"
    opt.step()
    unchanged = [k for k, p in model.named_parameters() if torch.equal(p.detach(), before[k])]
    assert not unchanged, f"{name}: one training step left {unchanged} unchanged"


def test_deep_ae_layer_widths_are_784_128_64_32_64_128_784():
    # Seed 001: Dense(128) -> Dense(64) -> Dense(32) (the code) -> Dense(64) -> Dense(128) -> Dense(784).
    model = DeepAE().double()
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    widths = [(m.in_features, m.out_features) for m in linears]
    assert widths == [(784, 128), (128, 64), (64, 32), (32, 64), (64, 128), (128, 784)], (
        f"deep AE Linear layers (in, out) in order: {widths}")
    # ReLU after every layer but the last, whose logits go through the sigmoid: recomputed here.
    x = _images(3, dtype=torch.float64)
    h = x.reshape(3, 784)
    for i, m in enumerate(linears):
        h = F.linear(h, m.weight, m.bias)
        if i == 2:
            assert_close(model.encode(x), F.relu(h), kind="reduction",
                         what="deep AE code = relu(W3 relu(W2 relu(W1 x)))")
        h = F.relu(h) if i < len(linears) - 1 else torch.sigmoid(h)
    assert_close(model.reconstruct(x), h.reshape(x.shape), kind="reduction",
                 what="deep AE reconstruction = sigmoid(W6 relu(W5 relu(W4 code)))")


def test_dense_loss_is_the_per_pixel_bce_of_its_reconstruction():
    # Seed 001 (Keras loss='binary_crossentropy', as fit reports it): the mean over the batch and the
    # 784 pixels of -x log r - (1 - x) log(1 - r), r the sigmoid reconstruction. torch's
    # binary_cross_entropy of the probabilities (not the model's logits path) is the oracle.
    model = DenseAE().double()
    with torch.no_grad():  # logits of size ~1, so that the target matters (at init r is ~0.5 everywhere)
        model.decoder.weight.mul_(30.0)
    x = _images(5, dtype=torch.float64)
    flat = x.reshape(5, 784)
    with torch.no_grad():
        r = torch.sigmoid(F.linear(F.relu(F.linear(flat, model.encoder.weight, model.encoder.bias)),
                                   model.decoder.weight, model.decoder.bias))
    assert float((r - 0.5).abs().max()) > 0.2, "the reconstruction stays near 0.5: the check would be weak"
    assert_close(model.reconstruct(x), r.reshape(x.shape), kind="reduction",
                 what="dense AE reconstruction = sigmoid(W_d relu(W_e x + b_e) + b_d)")
    expected = F.binary_cross_entropy(r, flat, reduction="mean")
    loss, metrics = model.training_loss(x)
    record(loss=loss.item(), expected=expected.item())
    assert_close(loss, expected, kind="reduction",
                 what="dense AE loss = F.binary_cross_entropy(reconstruction, x), mean per pixel")
    assert_close(metrics["bce"], expected, kind="reduction", what="dense AE metric 'bce'")


def test_dense_and_sparse_l1_losses_match_the_seed_formula():
    # Seed 001: activity_l1(10e-5); 10e-5 is 1e-4.
    model = SparseL1AE().double()
    assert model.l1 == 10e-5 == 1e-4
    x = _images(5, dtype=torch.float64)
    flat = x.reshape(5, 784)
    code = F.relu(F.linear(flat, model.encoder.weight, model.encoder.bias))
    logits = F.linear(code, model.decoder.weight, model.decoder.bias)
    expected = _bce(logits, flat) + 1e-4 * code.abs().sum(1).mean()
    loss, _ = model.training_loss(x)
    assert_close(loss, expected, kind="reduction", what="sparse L1 AE loss = per-pixel BCE + 1e-4 sum|code|")


def test_sparse_kl_loss_averages_activations_over_the_batch():
    model = SparseKLAE().double()
    x = _images(6, dtype=torch.float64)
    flat = x.reshape(6, 784)
    code = torch.sigmoid(F.linear(flat, model.encoder.weight, model.encoder.bias))
    rho, rho_hat = 0.05, code.mean(0)
    kl = (rho * torch.log(rho / rho_hat) + (1 - rho) * torch.log((1 - rho) / (1 - rho_hat))).sum()
    expected = _bce(F.linear(code, model.decoder.weight, model.decoder.bias), flat) + 3.0 / 784 * kl
    loss, _ = model.training_loss(x)
    assert_close(loss, expected, kind="reduction", what="sparse KL AE loss = BCE + (beta/D) sum_j KL(rho||rho_hat_j)")


def test_contractive_loss_uses_the_encoder_jacobian():
    model = ContractiveAE().double()
    x = _images(3, dtype=torch.float64).reshape(3, 784).requires_grad_(True)
    code = torch.sigmoid(F.linear(x, model.encoder.weight, model.encoder.bias))
    rows = [torch.autograd.grad(code[:, j].sum(), x, retain_graph=True)[0] for j in range(code.shape[1])]
    jac_sq = torch.stack(rows, 1).square().sum((1, 2))                       # (B,)
    expected = _bce(F.linear(code, model.decoder.weight, model.decoder.bias), x) + 0.1 / 784 * jac_sq.mean()
    loss, _ = model.training_loss(x.detach())
    assert_close(loss, expected.detach(), kind="reduction", what="contractive AE loss = BCE + (lam/D) ||J||_F^2")


@pytest.mark.parametrize("corruption", ["gaussian", "masking"])
def test_denoising_model_scores_the_noisy_reconstruction_against_the_clean_input(corruption):
    model = DenoisingConvAE(corruption=corruption).double()
    x = _images(2, dtype=torch.float64)
    noisy = model.corrupt(x, generator=torch.Generator().manual_seed(7))
    assert not torch.equal(noisy, x)
    if corruption == "gaussian":
        assert bool(((noisy >= 0) & (noisy <= 1)).all()), "seed 001 clips the noisy images to [0, 1]"
    else:
        assert bool(((noisy.reshape(2, -1) == 0).sum(1) == round(0.25 * 784)).all())
    with torch.no_grad():  # logits of size ~1, so that the target matters (at init they are ~0)
        model.decoder[-1].weight.mul_(300.0)
    logits = model.decoder(model.encoder(noisy))
    loss, _ = model.training_loss(x, generator=torch.Generator().manual_seed(7))
    assert_close(loss, _bce(logits, x), kind="reduction", what="denoising loss = BCE(model(x_noisy), clean x)")
    # The two targets must give losses far apart compared with the float64 tolerance above, so that
    # the first assertion tells them apart (their gap is about 1e-4 to 1e-3 for a random model).
    assert abs(loss.item() - _bce(logits, noisy).item()) > 1e-7, "the loss looks computed against the noisy input"


def test_denoising_model_rejects_bad_noise_parameters():
    with pytest.raises(ValueError, match="std"):
        DenoisingConvAE(std=-0.5)
    with pytest.raises(ValueError, match="fraction"):
        DenoisingConvAE(corruption="masking", fraction=1.5)
    with pytest.raises(ValueError, match="corruption"):
        DenoisingConvAE(corruption="salt")


_NOT_NUMBERS = [None, "0.5", True, 0.5j]
"""Not real numbers: ``float(True)`` is 1.0 and would be accepted silently; the others raised TypeError."""
_NOT_COUNTS = [None, "32", True, 32.0]


def _assert_rejected(make, option: str, value: object) -> None:
    """``make(option=value)`` raises ValueError whose message names ``option``."""
    try:
        make(**{option: value})
    except ValueError as e:
        assert option in str(e), f"{option}={value!r}: the ValueError {str(e)!r} does not name {option}"
    except Exception as e:
        raise AssertionError(f"{option}={value!r} raised {type(e).__name__}: {e}, not a ValueError naming "
                             f"{option}") from e
    else:
        raise AssertionError(f"{option}={value!r} was accepted")


@pytest.mark.parametrize(("make", "option"), [
    pytest.param(partial(DenoisingConvAE, corruption="gaussian"), "std", id="DenoisingConvAE-std"),
    pytest.param(partial(DenoisingConvAE, corruption="masking"), "fraction", id="DenoisingConvAE-fraction"),
    pytest.param(SparseL1AE, "l1", id="SparseL1AE-l1"),
    pytest.param(SparseKLAE, "rho", id="SparseKLAE-rho"),
    pytest.param(SparseKLAE, "beta", id="SparseKLAE-beta"),
    pytest.param(ContractiveAE, "lam", id="ContractiveAE-lam"),
])
def test_model_constructors_reject_a_real_option_that_is_not_a_real_number(make, option):
    for value in _NOT_NUMBERS:
        _assert_rejected(make, option, value)


@pytest.mark.parametrize(("make", "option"), [
    pytest.param(make, option, id=f"{make.__name__}-{option}") for make, option in [
        (DenseAE, "code"), (DenseAE, "input_dim"), (SparseKLAE, "code"), (ContractiveAE, "code"),
        (Seq2SeqAE, "latent"), (StackedAE, "pretrain_steps"),
    ]
])
def test_model_constructors_reject_a_size_that_is_not_an_integer(make, option):
    for value in _NOT_COUNTS:
        _assert_rejected(make, option, value)


@pytest.mark.parametrize("make", [DeepAE, StackedAE], ids=lambda v: v.__name__)
def test_model_constructors_reject_bad_sizes(make):
    for sizes in (None, (784,), (784, True), (784, 32.0), "784"):
        _assert_rejected(make, "sizes", sizes)


def _params(module: nn.Module) -> list[torch.Tensor]:
    return [p.detach().clone() for p in module.parameters()]


def _same(a: list[torch.Tensor], b: list[torch.Tensor]) -> bool:
    return all(torch.equal(u, v) for u, v in zip(a, b))


def test_stacked_schedule_trains_one_layer_at_a_time_then_everything():
    model = StackedAE(pretrain_steps=2)
    x = _images(4)
    opt = _SGD(model.parameters(), lr=1.0)
    snapshots = [[_params(layer) for layer in model.layers]]
    for step in range(2 * len(model.layers) + 1):
        opt.zero_grad(set_to_none=True)
        loss, metrics = model.training_loss(x, step=step)
        loss.backward()
        opt.step()
        if step % 2 == 1 or step == 2 * len(model.layers):
            snapshots.append([_params(layer) for layer in model.layers])
    L = len(model.layers)
    for k in range(L):  # after phase k: layer k changed, every other layer as it was before the phase
        before, after = snapshots[k], snapshots[k + 1]
        assert not _same(before[k], after[k]), f"phase {k} did not train layer {k}"
        for j in range(L):
            if j != k:
                assert _same(before[j], after[j]), f"phase {k} changed layer {j}"
    assert all(not _same(snapshots[L][j], snapshots[L + 1][j]) for j in range(L)), "fine-tuning left a layer unchanged"


def test_stacked_after_greedy_training_is_the_composition_of_its_layers():
    model = StackedAE().double()
    x = _images(3, dtype=torch.float64)
    initial = [_params(layer) for layer in model.layers]
    greedy_pretrain(model, [x], steps_per_layer=2, make_optimizer=lambda p: _SGD(p, lr=1.0))
    assert all(not _same(initial[k], _params(layer)) for k, layer in enumerate(model.layers))
    h = x.reshape(3, 784)
    for layer in model.layers:  # trained encoders, in order
        h = torch.sigmoid(F.linear(h, layer.encoder.weight, layer.encoder.bias))
    assert_close(model.encode(x), h, kind="reduction", what="stacked encode = enc_L o ... o enc_1")
    r = h
    for k in reversed(range(len(model.layers))):  # trained decoders, in reverse order
        r = F.linear(r, model.layers[k].decoder.weight, model.layers[k].decoder.bias)
        r = torch.sigmoid(r) if k else r
    assert_close(model.logits(x), r, kind="reduction", what="stacked decode = dec_1 o ... o dec_L")


def test_seq2seq_reads_rows_as_time_steps_and_repeats_its_code():
    model = registry["seq2seq_ae"]()
    x = _images(2)
    code = model.encode(x)
    _, (h_n, _) = model.encoder(x.reshape(2, 28, 28))
    assert torch.equal(code, h_n[-1])
    out, _ = model.decoder(code.unsqueeze(1).repeat(1, 28, 1))
    assert torch.equal(model(x), out.reshape(x.shape))
