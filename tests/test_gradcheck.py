"""The numerical gradient agrees with known analytic gradients to 1e-8 relative error."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnhelpers.gradcheck import gradient_check, numerical_gradient, numerical_gradients, relative_error

finite = st.floats(-3, 3, allow_nan=False, allow_infinity=False)

KNOWN = [
    ("quadratic form", lambda x: x @ np.array([[3.0, 1.0], [1.0, 2.0]]) @ x,
     lambda x: 2 * np.array([[3.0, 1.0], [1.0, 2.0]]) @ x, np.array([0.7, -1.3])),
    ("sum of sines", lambda x: np.sum(np.sin(x)), np.cos, np.array([0.1, 1.0, -2.0, 3.0])),
    ("log-sum-exp", lambda x: np.log(np.sum(np.exp(x))), lambda x: np.exp(x) / np.sum(np.exp(x)), np.array([1.0, 2.0, 0.5])),
    ("mean log-loss of a sigmoid unit",
     lambda w: np.mean(np.logaddexp(0, -(2 * np.array([1, 0, 1]) - 1) * (np.array([[1.0, 2.0], [0.5, -1.0], [-1.5, 0.3]]) @ w))),
     lambda w: np.array([[1.0, 2.0], [0.5, -1.0], [-1.5, 0.3]]).T
     @ (1 / (1 + np.exp(-np.array([[1.0, 2.0], [0.5, -1.0], [-1.5, 0.3]]) @ w)) - np.array([1, 0, 1])) / 3,
     np.array([0.4, -0.2])),
]


@pytest.mark.parametrize(("name", "f", "grad", "x"), KNOWN, ids=[k[0] for k in KNOWN])
def test_numerical_gradient_matches_known_gradients(name, f, grad, x):
    assert gradient_check(f, grad(x), x) < 1e-8


@settings(max_examples=40, deadline=None)
@given(arrays(float, st.integers(1, 6), elements=finite))
def test_gradient_of_a_cubic_polynomial(x):
    f = lambda v: np.sum(v**3 - 2 * v**2 + v)  # noqa: E731
    exact = 3 * x**2 - 4 * x + 1
    assert np.allclose(numerical_gradient(f, x), exact, rtol=1e-7, atol=1e-6)


def test_input_is_not_modified_and_shape_is_kept():
    x = np.arange(6.0).reshape(2, 3)
    before = x.copy()
    g = numerical_gradient(lambda v: np.sum(v**2), x)
    assert g.shape == (2, 3) and np.array_equal(x, before)
    assert relative_error(g, 2 * x) < 1e-9


def test_gradients_of_a_dict_of_parameters_keep_keys_and_types():
    params = {"W": np.array([[1.0, -2.0]]), "b": 0.5}
    f = lambda p: float(np.sum(p["W"] ** 2) + 3 * p["b"] ** 2)  # noqa: E731
    grads = numerical_gradients(f, params)
    assert set(grads) == {"W", "b"} and isinstance(grads["b"], float) and grads["W"].shape == (1, 2)
    assert gradient_check(f, {"W": 2 * params["W"], "b": 6 * params["b"]}, params) < 1e-8
    assert params["b"] == 0.5 and np.array_equal(params["W"], [[1.0, -2.0]])


@given(arrays(float, 5, elements=finite), arrays(float, 5, elements=finite))
def test_relative_error_is_symmetric_bounded_and_zero_on_equality(a, b):
    e = relative_error(a, b)
    assert 0 <= e <= 1 + 1e-12
    assert e == pytest.approx(relative_error(b, a))
    assert relative_error(a, a) == 0


def test_relative_error_rejects_mismatched_inputs():
    with pytest.raises(ValueError, match="shapes differ"):
        relative_error(np.zeros(2), np.zeros(3))
    with pytest.raises(ValueError, match="different keys"):
        relative_error({"a": 1.0}, {"b": 1.0})


def test_a_wrong_gradient_is_detected():
    x = np.array([1.0, 2.0])
    assert gradient_check(lambda v: np.sum(v**2), x, x) > 0.1  # the true gradient is 2x
