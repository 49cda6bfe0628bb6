r"""Numerics errata of seed 000 (``000_bf33366f7638eda2.txt``, "代码示例"): the listing's loss at
saturated logits (``docs/errata.md``, E000-15).

The listing's decoder ends in ``torch.sigmoid`` and its loss is ``F.binary_cross_entropy(recon_x, x)``.
Once float32 ``sigmoid(l)`` rounds to 1 (l > 16.6), ``log(1 - p)`` is clamped at -100 and its
derivative through the rounded sigmoid is 0: a confidently wrong pixel has no gradient at all, and a
grey pixel (x = 1/2) is charged 50 nats whatever its logit. The corrected loss is computed from the
logits, ``softplus(l) - x l`` (``F.binary_cross_entropy_with_logits``), with derivative
``sigmoid(l) - x``. Float64 oracles; these tests check the seed, not ``--impl``.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from errata.support import assert_differs, f64
from genspec.checks import assert_close, record
from genspec.faithful import seed000

pytestmark = pytest.mark.area("models")

LOGITS = (20.0, 50.0, 200.0)


def _listing_loss_and_gradient(x: torch.Tensor, logits: torch.Tensor) -> tuple[float, torch.Tensor]:
    """The seed's ``loss_function`` reconstruction term (KL zero at mu = 0, logvar = 0) and its d/dlogits."""
    leaf = logits.clone().requires_grad_(True)
    zero = torch.zeros(1, 1, dtype=logits.dtype)
    loss = seed000.loss_function(torch.sigmoid(leaf), x, zero, zero)
    (grad,) = torch.autograd.grad(loss, (leaf,))
    return float(loss.detach()), grad


@pytest.mark.parametrize("logit", LOGITS)
def test_listing_loss_has_no_gradient_on_a_saturated_wrong_pixel(logit: float) -> None:
    """x = 0 at logit l: d loss / d l is sigmoid(l) = 1 (the pixel should move); the listing's is 0."""
    x, logits = torch.zeros(1, 1), torch.full((1, 1), logit)
    _, seed_grad = _listing_loss_and_gradient(x, logits)
    leaf = logits.clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(F.binary_cross_entropy_with_logits(leaf, x, reduction="sum"), (leaf,))
    exact = torch.sigmoid(f64([[logit]]))
    record(logit=logit, seed_gradient=float(seed_grad), exact=float(exact))
    assert_close(grad, exact, kind="gradient", what=f"d BCE-with-logits / d l = sigmoid(l) at l = {logit}")
    assert_differs(seed_grad, exact, kind="gradient", dtype=torch.float32,
                   what=f"seed 000 loss gradient at a saturated logit {logit} (float32)")


@pytest.mark.parametrize("logit", LOGITS)
def test_listing_loss_charges_a_saturated_grey_pixel_50_nats_whatever_its_logit(logit: float) -> None:
    """x = 1/2 at logit l costs softplus(l) - l/2 (about l/2); the listing charges 0.5 · 100 = 50."""
    x, logits = torch.full((1, 1), 0.5), torch.full((1, 1), logit)
    seed_value, _ = _listing_loss_and_gradient(x, logits)
    stable = F.binary_cross_entropy_with_logits(logits, x, reduction="sum")
    l64 = f64(logit)
    exact = torch.logaddexp(torch.zeros(()), l64) - 0.5 * l64
    record(logit=logit, seed=seed_value, exact=float(exact))
    assert_close(stable, exact, kind="elementwise", what=f"softplus(l) - l/2 at l = {logit} (float32)")
    assert_differs(seed_value, exact, kind="elementwise", dtype=torch.float32,
                   what=f"seed 000 loss of a grey pixel at logit {logit} (float32)")
