r"""Properties of ``anneal_tau``, the temperature schedule of Jang et al. (2017).

    tau(step) = max(tau_min, tau0 * exp(-rate * every * floor(step / every)))

The oracle walks the steps one by one, multiplying the temperature by ``exp(-rate * every)`` at each
update step and flooring it, which is a different computation from the closed form. Reference:
``reference/anneal.py``; Jang et al. 2017, arXiv:1611.01144, Sec. 4.1; seed 000, "温度退火".
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from genspec.bad_inputs import NOT_NUMBERS
from genspec.checks import assert_close
from genspec.strategies import log_uniform

pytestmark = [pytest.mark.area("gumbel"), pytest.mark.tier("law")]


def _walked_table(n_steps: int, *, tau0: float, rate: float, tau_min: float, every: int) -> list[float]:
    """tau for steps 0..n_steps-1, by stepping through the schedule (no floor division)."""
    table, current, decay = [], tau0, math.exp(-rate * every)
    for step in range(n_steps):
        if step > 0 and step % every == 0:
            current *= decay
        table.append(max(tau_min, current))
    return table


SCHEDULES = st.fixed_dictionaries({
    "tau0": st.floats(0.1, 10.0),
    "rate": st.one_of(st.just(0.0), log_uniform(1e-5, 1e-1)),
    "tau_min": st.floats(0.01, 5.0),
    "every": st.integers(1, 40),
})


@given(schedule=SCHEDULES)
def test_matches_a_table_walked_step_by_step(impl, schedule) -> None:
    n_steps = min(25 * schedule["every"], 600)
    expected = _walked_table(n_steps, **schedule)
    got = [impl.anneal_tau(step, **schedule) for step in range(n_steps)]
    assert_close(torch.tensor(got, dtype=torch.float64), torch.tensor(expected, dtype=torch.float64),
                 kind="identity", what=f"anneal_tau(step) for steps 0..{n_steps - 1}, {schedule}")


def test_jang_defaults_at_chosen_steps(impl) -> None:
    """Defaults tau0 = 1, rate = 1e-4, tau_min = 0.5, every = 1000: exp(-0.1 k) until it falls below 0.5."""
    steps = [0, 1, 999, 1000, 1999, 2000, 6999, 7000, 123_456]
    expected = [1.0, 1.0, 1.0, math.exp(-0.1), math.exp(-0.1), math.exp(-0.2), math.exp(-0.6), 0.5, 0.5]
    got = [impl.anneal_tau(s) for s in steps]
    assert_close(torch.tensor(got, dtype=torch.float64), torch.tensor(expected, dtype=torch.float64),
                 kind="elementwise", what=f"anneal_tau at steps {steps} with the defaults")


@given(schedule=SCHEDULES, step=st.integers(0, 10**7))
def test_piecewise_constant_non_increasing_and_floored(impl, schedule, step) -> None:
    every = schedule["every"]
    tau = impl.anneal_tau(step, **schedule)
    start = impl.anneal_tau(every * (step // every), **schedule)
    assert tau == start, f"tau({step}) = {tau} but tau at the start of its block of {every} steps is {start}"
    later = impl.anneal_tau(step + 1, **schedule)
    assert later <= tau, f"tau grew from {tau} at step {step} to {later}"
    assert tau >= schedule["tau_min"], f"tau({step}) = {tau} fell below tau_min = {schedule['tau_min']}"
    assert impl.anneal_tau(0, **schedule) == max(schedule["tau_min"], schedule["tau0"])
    if schedule["rate"] > 0:
        assert impl.anneal_tau(10**12, **schedule) == schedule["tau_min"], "tau must reach its floor"


@pytest.mark.tier("numerics")
@pytest.mark.parametrize(
    ("step", "schedule"),
    [(10**400, {"rate": 1e-4}), (10**400, {"rate": 0.0, "tau0": 3.0}),
     (2 * 10**308, {"rate": 1e-307, "every": 1, "tau_min": 1e-12}),
     (10**309 + 999, {"rate": 3e-308, "every": 1000, "tau_min": 1e-15})],
    ids=["1e400-floored", "1e400-rate0", "2e308-exp(-20)", "1e309-exp(-30)"],
)
def test_anneal_tau_at_steps_beyond_the_float_range(impl, step, schedule) -> None:
    """``step`` is a Python int, unbounded: past 1.8e308 ``rate * step`` has no float, yet the temperature
    is still defined. Oracle: the product in exact rational arithmetic (``Fraction``), then one exp."""
    schedule = {"tau0": 1.0, "tau_min": 0.5, "every": 1000} | schedule
    held = schedule["every"] * (step // schedule["every"])
    product = Fraction(schedule["rate"]) * held
    decay = 0.0 if product > 800 else math.exp(-float(product))
    expected = max(schedule["tau_min"], schedule["tau0"] * decay)
    got = impl.anneal_tau(step, **schedule)
    assert_close(torch.tensor([float(got)], dtype=torch.float64), torch.tensor([expected], dtype=torch.float64),
                 kind="elementwise", what=f"anneal_tau(a step of {len(str(step))} digits, {schedule}) = max(tau_min, tau0 exp(-rate * held_step))")


@pytest.mark.tier("validation")
@pytest.mark.parametrize("as_integer", [np.int64, lambda s: torch.tensor(s)], ids=["numpy.int64", "0-d tensor"])
def test_anneal_tau_takes_a_step_counter_of_any_integer_type(impl, as_integer) -> None:
    """A training loop's step counter is often a numpy integer or a 0-d integer tensor (an optimizer's
    ``state['step']``): it is an integer and gives the temperature of the equal int; so does the period ``every``."""
    for step in (0, 7, 1234):
        got = impl.anneal_tau(as_integer(step), rate=1e-3, every=as_integer(10))
        want = impl.anneal_tau(step, rate=1e-3, every=10)
        assert float(got) == float(want), f"step {step} and every 10 as {type(as_integer(step))}: {got} != {want}"


@pytest.mark.tier("validation")
@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"step": -1}, "step"), ({"step": 10, "every": 0}, "every"), ({"step": 10, "tau0": 0.0}, "tau0"),
     ({"step": 10, "tau_min": -0.5}, "tau_min"), ({"step": 10, "tau_min": math.nan}, "tau_min"),
     ({"step": 10, "rate": -1e-4}, "rate"), ({"step": 10, "tau0": math.inf}, "tau0"),
     ({"step": torch.tensor([3])}, "step"), ({"step": torch.tensor(True)}, "step"),
     ({"step": 10, "every": torch.tensor([[10]])}, "every"), ({"step": torch.tensor(3.0)}, "step")],
    ids=["step<0", "every=0", "tau0=0", "tau_min<0", "tau_min=nan", "rate<0", "tau0=inf", "step-tensor-(1,)",
         "step-bool-tensor", "every-tensor-(1,1)", "step-float-tensor"],
)
def test_anneal_tau_rejects_bad_arguments(impl, kwargs, name) -> None:
    step = kwargs.pop("step")
    with pytest.raises(ValueError, match=name):
        impl.anneal_tau(step, **kwargs)



@pytest.mark.tier("validation")
@pytest.mark.parametrize("name", ["tau0", "rate", "tau_min"])
@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_anneal_tau_rejects_an_option_that_is_not_a_real_number(impl, name, value) -> None:
    """A string, None, a bool, an int beyond the float range (an OverflowError inside ``math``) or a
    complex number: ValueError naming the option."""
    with pytest.raises(ValueError, match=rf"\b{name}\b"):
        impl.anneal_tau(10, **{name: value})


@pytest.mark.tier("validation")
@pytest.mark.parametrize("name", ["step", "every"])
@pytest.mark.parametrize("value", ["3", 2.5, None, True], ids=repr)
def test_anneal_tau_rejects_a_step_or_period_that_is_not_an_integer(impl, name, value) -> None:
    kwargs = {"step": 10, "every": 1000, name: value}
    with pytest.raises(ValueError, match=rf"\b{name}\b"):
        impl.anneal_tau(kwargs.pop("step"), **kwargs)
