"""The reference's one error-message style (``reference/validation.py``), pinned where the spec
suite cannot pin it: the validation tier asks only that a ``ValueError`` names the argument, so the
rest of the wording — the torch.distributions form ``Expected <name> (<what was passed>) to
<constraint>, but found <value>``, how a long value is shortened, which arguments say that a tensor
would do too — is the house's own promise, checked here against the reference directly.

``scripts/mutate.py`` runs this file against every mutant of ``reference/`` that the spec suite lets
through, beside the module's spec area.
"""

from __future__ import annotations

import pytest
import torch

from genspec import reference
from genspec.reference.validation import expected, integer, real_number


def _message(call) -> str:
    with pytest.raises(ValueError) as info:
        call()
    return str(info.value)


def test_the_message_names_the_argument_what_was_passed_the_constraint_and_the_value() -> None:
    assert expected("rate", -1.5, "be >= 0") == "Expected rate (float) to be >= 0, but found -1.5"
    assert (expected("x", torch.zeros(2, 3, dtype=torch.int64), "have a floating-point dtype", "dtype torch.int64")
            == "Expected x (Tensor of shape (2, 3) and dtype torch.int64) to have a floating-point dtype, "
               "but found dtype torch.int64")


@pytest.mark.parametrize(("length", "whole"), [(58, True), (59, False)], ids=["repr-60-kept", "repr-61-shortened"])
def test_a_value_is_quoted_whole_up_to_60_characters_of_repr_and_shortened_beyond(length: int, whole: bool) -> None:
    value = "a" * length  # its repr has two quotes more
    found = expected("name", value, "be short").split(", but found ", 1)[1]
    if whole:
        assert found == repr(value)
    else:
        assert found == f"{repr(value)[:40]}... ({length + 2} characters)"


def test_a_real_number_message_says_a_tensor_would_do_only_where_one_would() -> None:
    plain = _message(lambda: real_number("beta", "0.5"))
    assert plain == "Expected beta (str) to be a real number (an int or a float, not a bool), but found '0.5'"
    also = _message(lambda: real_number("beta", "0.5", or_tensor=True))
    assert also.endswith("not a bool) or a floating tensor, but found '0.5'"), also


@pytest.mark.parametrize(
    ("name", "call"),
    [("log_likelihood", lambda: reference.bits_per_dim("-1.0", 784)),
     ("rho", lambda: reference.sparse_kl("0.05", torch.full((2, 3), 0.1))),
     ("tau", lambda: reference.gumbel_softmax(torch.zeros(2, 3), "1.0", generator=torch.Generator()))],
    ids=["bits_per_dim", "sparse_kl", "gumbel_softmax"],
)
def test_arguments_that_take_a_number_or_a_tensor_say_so(name: str, call) -> None:
    message = _message(call)
    assert message.startswith(f"Expected {name} (str) to be a real number") and "or a floating tensor" in message, message


@pytest.mark.parametrize("value", [True, torch.tensor(True), torch.tensor([3]), 2.0, torch.tensor(2.0)],
                         ids=["bool", "bool-tensor", "tensor-(1,)", "float", "float-tensor"])
def test_an_integer_is_what_operator_index_takes_and_not_a_bool_or_a_tensor_with_dimensions(value) -> None:
    assert _message(lambda: integer("n", value)).startswith("Expected n (")
