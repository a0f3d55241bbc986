"""The reference softmax of 04_softmax against the contract.

References: SciPy's softmax, 50-digit decimal arithmetic for the literals the notebook's tests use,
and the properties the lesson derives (sums to one, shift invariance, rows independent, sigmoid for two classes).
"""

from decimal import Decimal, getcontext

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays
from scipy.special import expit
from scipy.special import softmax as scipy_softmax
from solutions import load_solutions

sol = load_solutions("04_softmax")

scores = st.floats(-1000, 1000, allow_nan=False, allow_infinity=False)
vectors_and_matrices = arrays(float, array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=6), elements=scores)


def decimal_softmax(z):
    getcontext().prec = 50
    z = [Decimal(repr(float(v))) for v in z]
    e = [(v - max(z)).exp() for v in z]
    return [float(v / sum(e)) for v in e]


@settings(max_examples=300, deadline=None)
@given(vectors_and_matrices)
def test_softmax_matches_scipy_with_no_overflow_and_no_mutation(z):
    before = z.copy()
    # Floating-point warnings become errors: the reference never overflows, divides by zero or makes a nan.
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        got = sol.softmax(z)
    assert got.shape == z.shape and got.dtype == float and np.array_equal(z, before)
    assert np.all(np.isfinite(got)) and np.all((got >= 0) & (got <= 1))
    # Both subtract the row maximum; they differ by a few ulps of each probability (1e-300 covers underflow).
    np.testing.assert_allclose(got, scipy_softmax(z, axis=-1), rtol=1e-12, atol=1e-300)
    # Each row adds up to one: a sum of at most 6 terms, each rounded once, is 1 within a few ulps.
    np.testing.assert_allclose(got.sum(axis=-1), 1.0, rtol=0, atol=1e-14)


@settings(max_examples=200, deadline=None)
@given(arrays(float, st.integers(1, 6), elements=st.floats(-100, 100)), st.floats(-500, 500))
def test_adding_a_constant_to_every_score_changes_nothing(z, c):
    # z + c is rounded once per entry (relative error 1e-16 of |z + c| <= 600), which moves a probability by
    # up to about 6e-14 relative after exponentiation: 1e-12 leaves a margin.
    np.testing.assert_allclose(sol.softmax(z + c), sol.softmax(z), rtol=1e-12, atol=1e-300)


@settings(max_examples=100, deadline=None)
@given(arrays(float, st.tuples(st.integers(1, 5), st.integers(1, 5)), elements=scores))
def test_rows_are_independent(Z):
    # Row by row: the softmax of a matrix is the matrix of the softmaxes of its rows. The same operations on
    # the same numbers agree to the last bit or so (1e-15; 1e-300 for results that underflow).
    expected = np.array([sol.softmax(row) for row in Z])
    np.testing.assert_allclose(sol.softmax(Z), expected, rtol=1e-15, atol=1e-300)


@settings(max_examples=200, deadline=None)
@given(st.floats(-30, 30), st.floats(-30, 30))
def test_two_classes_give_the_sigmoid_of_the_difference(z1, z2):
    p = sol.softmax(np.array([z1, z2]))
    # softmax(z)_1 = sigma(z1 - z2); the difference z1 - z2 is rounded once, hence 1e-12 relative.
    assert p[0] == pytest.approx(expit(z1 - z2), rel=1e-12, abs=1e-300)
    assert p[1] == pytest.approx(expit(z2 - z1), rel=1e-12, abs=1e-300)


@pytest.mark.parametrize(
    "z",
    [[2, 1, 0], [1000, 999, 998], [-1000, -999, -1001], [0, 0, 0], [3.0, -1.0, 0.5, 2.0], [0.5, 1.5, -1.0],
     [1000, -1000], [-1000.0, 1000.0, 0.0], [300.0, 299.0, 0.0], [10.0, -10.0, 0.0, 5.0], [-2.5, 0.0, 4.0, -700.0],
     [2, 1, 0, 3]],
)
def test_softmax_agrees_with_50_digit_arithmetic(z):
    # The notebook's tests compare with these values at rtol 1e-7; the reference is within a few ulps.
    np.testing.assert_allclose(sol.softmax(z), decimal_softmax(z), rtol=1e-14, atol=1e-300)


def test_lecture_example_single_class_lists_and_integers():
    np.testing.assert_allclose(sol.softmax([2, 1, 0]), [0.665241, 0.244728, 0.090031], atol=5e-7)
    assert np.round(sol.softmax([2.0, 1.0, 0.0]), 2).tolist() == [0.67, 0.24, 0.09]
    assert sol.softmax([5.0]).tolist() == [1.0]
    assert sol.softmax([[3.0], [-1000.0]]).tolist() == [[1.0], [1.0]]
    z = np.array([3, 1, 2])
    got = sol.softmax(z)
    assert got.dtype == float and z.tolist() == [3, 1, 2]
    assert sol.softmax(np.array([[2, 1, 0]])).shape == (1, 3)


def test_rows_of_very_different_sizes():
    Z = np.array([[1000.0, 999.0, 998.0], [-1000.0, -999.0, -1001.0], [0.0, 0.0, 0.0]])
    got = sol.softmax(Z)
    np.testing.assert_allclose(got[0], decimal_softmax(Z[0]), rtol=1e-14)
    np.testing.assert_allclose(got[1], decimal_softmax(Z[1]), rtol=1e-14)
    np.testing.assert_allclose(got[2], [1 / 3] * 3, rtol=1e-15)
