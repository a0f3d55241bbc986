"""The reference solutions of 02_perceptron against the contract (COURSE_SPEC.md).

References: hand-computed literals (the visible tests' examples), scikit-learn's Perceptron (which
runs the same sequential rule when no score is exactly 0), and properties of the perceptron trick.
"""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Perceptron
from solutions import load_solutions

from nnhelpers import COURSE_SEED, datasets

sol = load_solutions("02_perceptron")

# Every update adds or subtracts learn_rate * x; different but correct summation orders differ in the
# last bits only, so results are compared with a tight relative tolerance and a tiny absolute one.
RTOL, ATOL = 1e-9, 1e-12


def close(got, expected, rtol=RTOL, atol=ATOL):
    np.testing.assert_allclose(np.asarray(got, dtype=float), np.asarray(expected, dtype=float), rtol=rtol, atol=atol)


def sklearn_history(X, y, W, b, learn_rate, num_epochs):
    """scikit-learn's Perceptron, one epoch at a time, from the same start and in the same order.

    It updates a point when y_signed * score <= 0, which is our rule except for a point labelled 1
    whose score is exactly 0; the random data used with it never produces such a score.
    """
    clf = Perceptron(max_iter=1, tol=None, shuffle=False, eta0=learn_rate, penalty=None)
    history = []
    coef, intercept = np.array(W, dtype=float).reshape(1, -1), np.array([float(b)])
    for _ in range(num_epochs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            # sklearn may update coef_init in place: give it copies.
            clf.fit(X, y, coef_init=coef.copy(), intercept_init=intercept.copy())
        coef, intercept = clf.coef_.copy(), clf.intercept_.copy()
        history.append((coef.ravel(), float(intercept[0])))
    return history


def random_problem(seed, n=20, d=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = rng.integers(0, 2, size=n)
    return X, y, rng.normal(size=d), float(rng.normal())


# --------------------------------------------------------------------------- step

def test_step_values_and_the_boundary():
    got = sol.step(np.array([-2.0, -0.5, 0.0, 0.5, 3.0]))
    assert got.dtype.kind in "iu"
    assert got.tolist() == [0, 0, 1, 1, 1]
    assert sol.step(-0.0) == 1 and sol.step(-1e-300) == 0 and sol.step(1e300) == 1


@pytest.mark.parametrize("t, expected", [(0.0, 1), (-0.1, 0), (2.5, 1), (0, 1), (-3, 0), (np.float64(-2.5), 0), (np.int64(4), 1)])
def test_step_of_a_number_is_a_single_integer(t, expected):
    got = sol.step(t)
    assert np.ndim(got) == 0 and not isinstance(got, bool | np.bool_)
    assert np.asarray(got).dtype.kind in "iu"
    assert got == expected


def test_step_takes_lists_and_keeps_the_shape():
    assert sol.step([-3, 0, 2]).tolist() == [0, 1, 1]
    assert sol.step(np.array([[-1.0, 0.0], [2.0, -3.0]])).tolist() == [[0, 1], [1, 0]]


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.integers(0, 30), elements=st.floats(allow_nan=False)))
def test_step_matches_heaviside(t):
    # np.heaviside(t, 1) is the step function with value 1 at 0; exact comparison (labels).
    before = t.copy()
    got = sol.step(t)
    assert got.shape == t.shape and got.dtype.kind in "iu"
    assert np.array_equal(got, np.heaviside(t, 1).astype(int))
    assert np.array_equal(t, before)


# --------------------------------------------------------------------------- perceptron_step
# The hand-computed examples of the visible tests (each worked out on paper, then checked with code).

HAND_EXAMPLES = [
    # X, y, W, b, learn_rate, expected W, expected b
    ([[1.0, 2.0]], [1], [0.0, -1.0], 0.5, 0.5, [0.5, 0.0], 1.0),        # score -1.5, label 1: add
    ([[2.0, 1.0]], [0], [1.0, 0.0], 0.0, 0.5, [0.0, -0.5], -0.5),       # score 2, label 0: subtract
    ([[1.0, 2.0]], [1], [1.0, 1.0], 0.0, 0.5, [1.0, 1.0], 0.0),         # score 3, label 1: no change
    ([[1.0, 1.0]], [0], [1.0, -1.0], 0.0, 0.5, [0.5, -1.5], -0.5),      # score 0 predicts 1: label 0 moves it
    ([[2.0, 2.0]], [1], [1.0, -1.0], 0.0, 0.5, [1.0, -1.0], 0.0),       # score 0 predicts 1: label 1 is right
    # in order: point 1 moves the line to W=[0, 0], b=1, which fixes point 2; point 3 then moves it again.
    ([[1.0, 0.0], [2.0, 1.0], [0.0, 2.0]], [1, 1, 0], [-1.0, 0.0], 0.0, 1.0, [0.0, -2.0], 0.0),
    ([[1.0, 3.0], [2.0, -1.0], [-1.0, 1.0]], [0, 1, 1], [0.5, 0.5], 0.0, 0.5, [-0.5, -0.5], 0.0),
    # the lesson's worked example: x1 + 2 x2 - 6 = 0 and the point (2, 1) labelled 1
    ([[2.0, 1.0]], [1], [1.0, 2.0], -6.0, 0.1, [1.2, 2.1], -5.9),
    # the hidden test's three-feature example: the second point lands exactly on the updated line
    ([[2, 3, -2], [2, -1, 1], [3, -1, 2], [-2, -1, 3], [0, 1, -1]], [0, 0, 1, 0, 1], [-1.0, 1.0, 1.0], 2.0, 0.25,
     [-0.75, 0.5, 1.0], 1.5),
    ([[1, 2], [3, -1]], [1, 0], [0, 0], 0, 0.5, [-1.5, 0.5], -0.5),
]


@pytest.mark.parametrize("X, y, W, b, learn_rate, W_expected, b_expected", HAND_EXAMPLES)
def test_perceptron_step_hand_computed_examples(X, y, W, b, learn_rate, W_expected, b_expected):
    W_new, b_new = sol.perceptron_step(np.array(X, dtype=float), np.array(y), np.array(W, dtype=float), b, learn_rate)
    close(W_new, W_expected)
    close(b_new, b_expected)
    assert np.ndim(b_new) == 0 and np.shape(W_new) == (len(W),)


def test_perceptron_step_is_sequential_not_batch():
    X, y, W = np.array([[1.0, 0.0], [2.0, 1.0], [0.0, 2.0]]), np.array([1, 1, 0]), np.array([-1.0, 0.0])
    W_new, b_new = sol.perceptron_step(X, y, W, 0.0, 1.0)
    errors = y - sol.step(X @ W)
    W_batch, b_batch = W + errors @ X, errors.sum()
    close(W_batch, [2.0, -1.0])  # what updating all points at once would give
    assert not np.allclose(W_new, W_batch) and b_new != b_batch


def test_perceptron_step_uses_the_default_learning_rate():
    X = np.array([[0.31, -0.02], [-0.93, 0.55], [-0.91, 0.07], [0.35, -0.02],
                  [-0.83, 0.31], [1.0, 0.67], [-0.81, 0.14], [-0.55, -0.51]])
    y = np.array([0, 0, 0, 1, 0, 1, 0, 0])
    W_new, b_new = sol.perceptron_step(X, y, np.array([-0.01, 0.02]), 0.01)
    close(W_new, [0.008, 0.0114])
    close(b_new, -0.01)


@pytest.mark.parametrize("dtype", [float, int])
def test_perceptron_step_never_modifies_its_arguments(dtype):
    X = np.array([[1, 3], [2, -1], [-1, 1]], dtype=dtype)
    y = np.array([0, 1, 1])
    W = np.array([1, 1], dtype=dtype)
    copies = X.copy(), y.copy(), W.copy()
    W_new, _ = sol.perceptron_step(X, y, W, 0, 0.5)
    for before, after in zip(copies, (X, y, W), strict=True):
        assert np.array_equal(before, after) and before.dtype == after.dtype
    assert not np.shares_memory(W_new, W)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([0.01, 0.1, 1.0]))
def test_perceptron_step_matches_scikit_learn(seed, learn_rate):
    X, y, W, b = random_problem(seed)
    W_new, b_new = sol.perceptron_step(X, y, W, b, learn_rate)
    ((W_ref, b_ref),) = sklearn_history(X, y, W, b, learn_rate, 1)
    close(W_new, W_ref)
    close(b_new, b_ref)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(0.001, 2.0))
def test_the_trick_moves_a_misclassified_score_by_alpha_times_norm_squared_plus_one(seed, learn_rate):
    # The lesson's argument: after one update for the point x, its score changes by +-alpha (|x|^2 + 1).
    rng = np.random.default_rng(seed)
    x, W, b = rng.normal(size=3), rng.normal(size=3), float(rng.normal())
    score = x @ W + b
    label = 0 if score >= 0 else 1  # the point is misclassified
    W_new, b_new = sol.perceptron_step(x[None, :], np.array([label]), W, b, learn_rate)
    change = (x @ W_new + b_new) - score
    expected = (1 if label == 1 else -1) * learn_rate * (x @ x + 1)
    # a difference of two scores of order 1: an absolute tolerance for the cancellation
    assert change == pytest.approx(expected, rel=1e-9, abs=1e-12)


# --------------------------------------------------------------------------- train_perceptron

def test_train_perceptron_hand_computed_history():
    X, y = np.array([[3.0, 2.0], [0.0, 2.0], [0.0, 0.0]]), np.array([1, 0, 1])
    history = sol.train_perceptron(X, y, np.array([2.0, 2.0]), 2.0, learn_rate=0.5, num_epochs=3)
    assert isinstance(history, list) and len(history) == 3
    for (W, b), (W_expected, b_expected) in zip(history, [([2, 1], 1.5), ([2, 0], 1.0), ([2, -1], 0.5)], strict=True):
        close(W, W_expected)
        close(b, b_expected)


def test_train_perceptron_defaults_and_lists():
    X = np.array([[0.84, -0.05], [-0.41, 0.74], [-0.34, 0.29], [0.17, 0.56],
                  [-0.33, -0.23], [0.22, -0.52], [-0.86, 0.81], [0.04, 0.15]])
    y = np.array([1, 1, 0, 1, 0, 0, 1, 1])
    history = sol.train_perceptron(X, y, np.array([0.01, 0.03]), -0.02)
    assert len(history) == 25
    for epoch, W_expected in [(1, [0.0098, 0.0376]), (10, [0.017, 0.0448]), (25, [0.029, 0.0568])]:
        close(history[epoch - 1][0], W_expected)
        close(history[epoch - 1][1], 0.0)
    history = sol.train_perceptron([[1, 2], [3, -1]], [1, 0], [0, 0], 0, learn_rate=0.5, num_epochs=2)
    close(history[0][0], [-1.5, 0.5])
    close(history[1][0], [-1.0, 1.5])
    close([history[0][1], history[1][1]], [-0.5, 0.0])


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 8), st.sampled_from([0.01, 0.5]))
def test_train_perceptron_is_repeated_perceptron_step_and_matches_scikit_learn(seed, num_epochs, learn_rate):
    X, y, W, b = random_problem(seed, n=12, d=2)
    W_start = W.copy()
    history = sol.train_perceptron(X, y, W, b, learn_rate, num_epochs)
    assert np.array_equal(W, W_start), "train_perceptron changed the caller's W"
    assert isinstance(history, list) and len(history) == num_epochs
    W_step, b_step = W, b
    for (W_got, b_got), (W_ref, b_ref) in zip(history, sklearn_history(X, y, W, b, learn_rate, num_epochs), strict=True):
        W_step, b_step = sol.perceptron_step(X, y, W_step, b_step, learn_rate)
        close(W_got, W_step)
        close(b_got, b_step)
        close(W_got, W_ref)
        close(b_got, b_ref)


def test_train_perceptron_snapshots_are_independent():
    X, y = np.array([[3.0, 2.0], [0.0, 2.0], [0.0, 0.0]]), np.array([1, 0, 1])
    history = sol.train_perceptron(X, y, np.array([2.0, 2.0]), 2.0, learn_rate=0.5, num_epochs=6)  # converges at epoch 4
    for i, (W_i, _) in enumerate(history):
        for W_j, _ in history[i + 1:]:
            assert not np.shares_memory(W_i, W_j)
    history[-1][0][:] = 99.0
    close(history[-2][0], [2.0, -1.0])


@pytest.mark.parametrize("learn_rate", [0.01, 0.1, 1.0])
def test_train_perceptron_separates_the_course_dataset(learn_rate):
    # perceptron.csv is separable with a margin (data/README.md): the algorithm must reach zero errors
    # and then stop moving; started from zero, the learning rate only scales the weights.
    frame = datasets.load_perceptron()
    X, y = frame[["x1", "x2"]].to_numpy(), frame["y"].to_numpy()
    history = sol.train_perceptron(X, y, np.zeros(2), 0.0, learn_rate, 10)
    errors = [int(np.sum(sol.step(X @ W + b) != y)) for W, b in history]
    assert errors[-1] == 0
    first = errors.index(0)
    for W, b in history[first:]:
        close(W, history[first][0])
        close(b, history[first][1])
    # the same points are misclassified whatever the learning rate, so W / learn_rate is the same
    close(history[-1][0] / learn_rate, [2.24636, 2.72698], rtol=1e-9)
    close(history[-1][1] / learn_rate, -3.0, rtol=1e-9)


def test_train_perceptron_from_the_lessons_random_start_converges():
    # The lesson starts from a random line through the square (rng = default_rng(COURSE_SEED)) with learning rate
    # 0.01 and sees the errors fall to 0 within 25 epochs.
    rng = np.random.default_rng(COURSE_SEED)
    W0 = rng.normal(0.0, 0.5, size=2)
    b0 = float(-W0 @ rng.uniform(0.2, 0.8, size=2))
    frame = datasets.load_perceptron()
    X, y = frame[["x1", "x2"]].to_numpy(), frame["y"].to_numpy()
    history = sol.train_perceptron(X, y, W0, b0, 0.01, 25)
    errors = [int(np.sum(sol.step(X @ W + b) != y)) for W, b in history]
    assert errors[0] > 50 and errors[-1] == 0


def test_train_perceptron_keeps_num_epochs_independent_snapshots_after_converging():
    # Epoch 1 separates the two points; the remaining epochs change nothing but still give their own pair.
    history = sol.train_perceptron(np.array([[2.0, 1.0], [-1.0, -2.0]]), np.array([1, 0]), np.zeros(2), 0.0,
                                   learn_rate=1.0, num_epochs=4)
    assert len(history) == 4
    for W, b in history:
        close(W, [1.0, 2.0])
        close(b, -1.0)
    history[-1][0][...] = 99.0
    for W, _ in history[:-1]:
        close(W, [1.0, 2.0])
