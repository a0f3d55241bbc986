"""The reference solutions of 01_admissions against the contract (COURSE_SPEC.md).

References: the lecture's worked numbers (literals), an explicit loop for the score, scikit-learn's
accuracy_score, and the admissions dataset (the office's line is right on 91 of its 100 students).
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.metrics import accuracy_score
from solutions import load_solutions

from nnhelpers import datasets

sol = load_solutions("01_admissions")

STUDENTS = np.array([[9.0, 8.0], [3.0, 4.0], [7.0, 6.0]])
W_OFFICE, B_OFFICE = np.array([2.0, 1.0]), -18.0

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


# --------------------------------------------------------------------------- score

def test_score_of_the_lectures_students():
    got = sol.score(STUDENTS, W_OFFICE, B_OFFICE)
    assert isinstance(got, np.ndarray) and got.shape == (3,)
    np.testing.assert_allclose(got, [8.0, -8.0, 2.0], rtol=0, atol=1e-12)  # exact in binary


def test_score_of_one_point_is_a_number():
    got = sol.score(np.array([7.0, 6.0]), W_OFFICE, B_OFFICE)
    assert np.ndim(got) == 0 and got == pytest.approx(2.0)


def test_score_takes_lists_of_integers():
    np.testing.assert_allclose(sol.score([[3, 1], [0, -2]], [2, -1], 1), [6.0, 3.0])


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 6).flatmap(lambda d: st.tuples(
    arrays(np.float64, st.tuples(st.integers(1, 8), st.just(d)), elements=finite),
    arrays(np.float64, (d,), elements=finite),
    finite,
)))
def test_score_matches_an_explicit_loop(args):
    X, W, b = args
    X_before, W_before = X.copy(), W.copy()
    got = sol.score(X, W, b)
    expected = [sum(float(x_j) * float(w_j) for x_j, w_j in zip(row, W, strict=True)) + b for row in X]
    assert got.shape == (len(X),)
    # Rounding error of a sum of d products is at most a few d * eps times the sum of the terms' sizes.
    allowed = 1e-13 * (np.abs(X) @ np.abs(W) + abs(b))
    assert np.all(np.abs(got - np.array(expected)) <= allowed), (got, expected)
    assert np.array_equal(X, X_before) and np.array_equal(W, W_before)


@settings(max_examples=100, deadline=None)
@given(arrays(np.float64, (4, 2), elements=finite), st.floats(0.01, 100))
def test_scaling_the_line_scales_the_score_and_keeps_the_prediction(X, c):
    # Lesson 01, section 4: (c W, c b) is the same line for c > 0.
    np.testing.assert_allclose(sol.score(X, c * W_OFFICE, c * B_OFFICE), c * sol.score(X, W_OFFICE, B_OFFICE),
                               rtol=1e-9, atol=1e-9 * c)
    scores = sol.score(X, W_OFFICE, B_OFFICE)
    clear = np.abs(scores) > 1e-6  # away from the line, rounding cannot flip a side
    assert np.array_equal(sol.predict(X, c * W_OFFICE, c * B_OFFICE)[clear], sol.predict(X, W_OFFICE, B_OFFICE)[clear])


# --------------------------------------------------------------------------- predict

def test_predict_the_lectures_students_and_the_boundary():
    got = sol.predict(STUDENTS, W_OFFICE, B_OFFICE)
    assert got.dtype.kind in "iu" and got.tolist() == [1, 0, 1]
    assert sol.predict(np.array([[4.0, 10.0]]), W_OFFICE, B_OFFICE).tolist() == [1]  # score exactly 0: accepted
    one = sol.predict(np.array([3.0, -1.0]), np.array([1.0, 2.0]), -1.0)
    assert np.ndim(one) == 0 and np.asarray(one).dtype.kind in "iu" and one == 1


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 10), st.just(3)), elements=finite),
       arrays(np.float64, (3,), elements=finite), finite)
def test_predict_is_one_exactly_where_the_score_is_not_negative(X, W, b):
    got = sol.predict(X, W, b)
    assert got.dtype.kind in "iu" and set(np.unique(got)) <= {0, 1}
    assert np.array_equal(got, (sol.score(X, W, b) >= 0).astype(int))


# --------------------------------------------------------------------------- accuracy

@settings(max_examples=200, deadline=None)
@given(st.integers(1, 50).flatmap(lambda n: st.tuples(
    arrays(np.int64, (n,), elements=st.integers(0, 1)), arrays(np.int64, (n,), elements=st.integers(0, 1)))))
def test_accuracy_matches_scikit_learn(labels):
    y_true, y_pred = labels
    got = sol.accuracy(y_true, y_pred)
    assert isinstance(got, float) and 0.0 <= got <= 1.0
    assert got == pytest.approx(accuracy_score(y_true, y_pred), rel=1e-12)  # both are a count divided by n
    assert sol.accuracy(list(y_true), list(y_pred)) == pytest.approx(got, rel=1e-12)


def test_accuracy_literals():
    assert sol.accuracy(np.array([1, 0, 1, 1]), np.array([1, 0, 0, 1])) == pytest.approx(0.75)
    assert sol.accuracy([1, 1, 0, 0, 1], [1, 0, 0, 1, 1]) == pytest.approx(0.6)


def test_the_offices_line_on_the_admissions_dataset():
    # The number lesson 01 prints: 91 of the 100 students are on the correct side of 2*test + grades - 18 = 0.
    frame = datasets.load_admissions()
    X, y = frame[["test", "grades"]].to_numpy(), frame["accepted"].to_numpy()
    assert sol.accuracy(y, sol.predict(X, W_OFFICE, B_OFFICE)) == pytest.approx(0.91)


def test_accuracy_is_the_exact_fraction_not_a_rounded_one():
    assert sol.accuracy([1, 0, 1], [1, 0, 0]) == 2 / 3
    assert sol.accuracy([0, 1, 1, 0, 1, 0, 0], [0, 1, 0, 0, 1, 1, 0]) == 5 / 7
