"""The student-facing checks: right answers pass silently, wrong ones fail with a useful message."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnhelpers.checks import (
    CheckFailure,
    check_close,
    check_equal,
    check_finite,
    check_frame_equal,
    check_in_range,
    check_integer_dtype,
    check_not_modified,
    check_scalar,
    check_shape,
    check_type,
)

reasonable = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


@given(arrays(float, st.integers(1, 20), elements=reasonable))
def test_close_accepts_the_same_values_computed_differently(values):
    again = np.array([float(v) for v in values.tolist()])  # a loop instead of an array expression
    assert check_close(again, values, name="f(x)") is None
    assert check_close(values.tolist(), values, name="f(x)") is None


@given(arrays(float, st.integers(1, 20), elements=st.floats(-1e3, 1e3)), st.integers(0, 19), st.floats(1e-5, 10))
def test_close_rejects_a_relative_error_far_above_tolerance(values, index, bump):
    index %= len(values)
    wrong = values.copy()
    wrong[index] += bump * max(1.0, abs(wrong[index]))
    with pytest.raises(CheckFailure, match="1 of"):
        check_close(wrong, values, name="f(x)")


def test_failure_message_names_the_call_expected_got_and_hint():
    with pytest.raises(CheckFailure) as failure:
        check_close([8.0, -8.0, 3.0], [8.0, -8.0, 2.0], name="score(students, W=[2, 1], b=-18)", hint="add the bias")
    message = str(failure.value)
    assert message.startswith("score(students, W=[2, 1], b=-18): 1 of 3 value(s) are wrong.")
    assert "got:      [ 8., -8.,  3.]" in message and "expected: [ 8., -8.,  2.]" in message
    assert "first difference at index 2" in message and message.endswith("Hint: add the bias")
    assert isinstance(failure.value, AssertionError)


def test_hidden_checks_do_not_reveal_expected_values():
    with pytest.raises(CheckFailure) as failure:
        check_close([0.5, 0.5], [0.123456, 0.876544], name="softmax of large scores", reveal=False)
    assert "0.123456" not in str(failure.value) and "expected" not in str(failure.value)
    with pytest.raises(CheckFailure) as failure:
        check_equal([1, 0], [0, 1], name="predict", reveal=False)
    assert "expected" not in str(failure.value)


def test_nan_is_never_close():
    with pytest.raises(CheckFailure):
        check_close([np.nan], [np.nan], name="f")
    with pytest.raises(CheckFailure, match="nan or infinite"):
        check_finite([1.0, np.inf], name="f")


def test_shapes_must_agree_exactly():
    with pytest.raises(CheckFailure, match=r"shape \(3, 1\); expected shape \(3,\)"):
        check_close(np.zeros((3, 1)), np.zeros(3), name="f")
    with pytest.raises(CheckFailure, match=r"expected shape \(2,\)"):
        check_shape(np.zeros(3), (2,), name="f")
    assert check_shape([[1, 2]], (1, 2), name="f") is None


def test_unreadable_results_get_a_message_not_a_numpy_traceback():
    with pytest.raises(CheckFailure, match="cannot be read as numbers"):
        check_close("hello", [1.0], name="f")
    with pytest.raises(CheckFailure, match=r"returned None(.|\n)*`return` statement"):
        check_close(None, 1.0, name="f")
    for check in (check_scalar, check_finite, check_integer_dtype):
        with pytest.raises(CheckFailure, match="returned None"):
            check(None, name="f")


@pytest.mark.parametrize("value", [3, 2.5, np.float64(1.0), np.int64(0), np.array(4.0)])
def test_scalars(value):
    assert check_scalar(value, name="f") is None


@pytest.mark.parametrize("value", [np.array([1.0]), [1.0], True, "1"])
def test_non_scalars(value):
    with pytest.raises(CheckFailure, match="expected a single number"):
        check_scalar(value, name="f")


def test_integer_dtype():
    assert check_integer_dtype(np.array([0, 1]), name="f") is None
    assert check_integer_dtype(1, name="f") is None
    for wrong in (np.array([0.0, 1.0]), np.array([True, False]), True):
        with pytest.raises(CheckFailure, match="expected integers"):
            check_integer_dtype(wrong, name="f")


def test_equal_compares_labels_exactly():
    assert check_equal(np.array([1, 0, 1]), [1, 0, 1], name="f") is None
    with pytest.raises(CheckFailure, match="1 of 3 value"):
        check_equal([1, 1, 1], [1, 0, 1], name="f")


def test_range_and_type():
    assert check_in_range([0.0, 1.0], 0, 1, name="f") is None
    with pytest.raises(CheckFailure, match=r"outside \[0, 1\]"):
        check_in_range([1.5], 0, 1, name="f")
    with pytest.raises(CheckFailure, match="expected a ndarray"):
        check_type([1], np.ndarray, name="f")
    with pytest.raises(CheckFailure, match="expected a float or int"):
        check_type("x", (float, int), name="f")


def test_not_modified_returns_the_result_and_catches_in_place_changes():
    def double(x):
        return np.asarray(x) * 2

    def double_in_place(x):
        x *= 2
        return x

    assert check_not_modified(double, np.array([1.0, 2.0])).tolist() == [2.0, 4.0]
    with pytest.raises(CheckFailure, match="changed its argument number 1 in place"):
        check_not_modified(double_in_place, np.array([1.0, 2.0]))
    params = {"W": np.ones(2), "b": 0.0}

    def bump(p):
        p["b"] += 1
        return p

    with pytest.raises(CheckFailure, match="argument number 1"):
        check_not_modified(bump, params)
    frame = pd.DataFrame({"a": [1, 2]})

    def add_column(df):
        df["b"] = 0
        return df

    with pytest.raises(CheckFailure):
        check_not_modified(add_column, frame)


def test_not_modified_compares_random_generators_by_state():
    def draws(rng):
        return rng.random()

    def peeks(rng):
        return rng.bit_generator.state["state"]["state"]

    check_not_modified(peeks, np.random.default_rng(1))
    with pytest.raises(CheckFailure, match="changed its argument number 1"):
        check_not_modified(draws, np.random.default_rng(1))


def test_frame_equal():
    expected = pd.DataFrame({"gre": [1.0, 2.0], "rank_1": [1, 0]})
    assert check_frame_equal(expected.copy(), expected, name="f") is None
    with pytest.raises(CheckFailure, match="wrong columns"):
        check_frame_equal(expected[["rank_1", "gre"]], expected, name="f")
    with pytest.raises(CheckFailure, match="expected integers"):
        check_frame_equal(expected.astype({"rank_1": float}), expected, name="f")
    with pytest.raises(CheckFailure, match="expected a DataFrame"):
        check_frame_equal(expected.to_numpy(), expected, name="f")


TAMPERING = """
import builtins
import numpy as np
from nnhelpers import checks
np.allclose = lambda *a, **k: True
np.absolute = lambda x: x * 0
np.asarray = lambda x, *a, **k: np.zeros(1)
builtins.abs = lambda x: 0
builtins.isinstance = lambda *a: True
for call in (lambda: checks.check_close([5.0], [4.0], name="f"), lambda: checks.check_scalar("no", name="f")):
    try:
        call()
    except checks.CheckFailure:
        continue
    raise SystemExit("a patched check let a wrong answer through")
print("verdicts unchanged")
"""


def test_checks_resist_later_patching_of_numpy_and_builtins():
    # A submission runs in the same interpreter: patching after the import must not change verdicts.
    # (In a subprocess: patching builtins here would break pytest itself.)
    result = subprocess.run([sys.executable, "-c", TAMPERING], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "verdicts unchanged" in result.stdout, result.stderr
