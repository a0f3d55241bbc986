"""The reference solutions of 07_gradient_descent against the contract: values, properties, the
numerical gradient, and scikit-learn's unregularised logistic regression."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from solutions import load_solutions

from nnhelpers import datasets
from nnhelpers.gradcheck import numerical_gradient, relative_error

sol = load_solutions("07_gradient_descent")

X_SMALL = np.array([[1.0, 2.0], [3.0, -1.0], [0.0, 4.0], [2.0, 2.0]])
Y_SMALL = np.array([1, 0, 0, 0])


def mean_log_loss(X, y, W, b):
    """The mean log-loss written independently of the solutions, in the stable logaddexp form:
    -ln sigmoid(t) = ln(1 + e^-t) and -ln(1 - sigmoid(t)) = ln(1 + e^t)."""
    t = np.asarray(X, dtype=float) @ np.asarray(W, dtype=float) + b
    y = np.asarray(y, dtype=float)
    return float(np.mean(y * np.logaddexp(0.0, -t) + (1 - y) * np.logaddexp(0.0, t)))


@st.composite
def problems(draw, max_points=8, max_features=4):
    """A small logistic regression problem with scores well inside +-30 (|x|, |w|, |b| <= 2, d <= 4: |score| <= 18)."""
    n = draw(st.integers(1, max_points))
    d = draw(st.integers(1, max_features))
    element = st.floats(-2, 2, allow_nan=False, allow_infinity=False)
    X = draw(arrays(float, (n, d), elements=element))
    y = draw(arrays(np.int64, (n,), elements=st.integers(0, 1)))
    W = draw(arrays(float, (d,), elements=element))
    b = draw(element)
    return X, y, W, b


# ---------------------------------------------------------------- predict_proba

def test_predict_proba_lesson_students():
    # Exact sigmoid values of the scores 8, -8 and 2; rtol 1e-12 allows only the last bits to differ.
    got = sol.predict_proba(np.array([[9, 8], [3, 4], [7, 6]]), np.array([2, 1]), -18)
    expected = [1 / (1 + np.exp(-8.0)), 1 / (1 + np.exp(8.0)), 1 / (1 + np.exp(-2.0))]
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert got.shape == (3,)


@settings(max_examples=60, deadline=None)
@given(problems())
def test_predict_proba_matches_the_formula_and_lists(problem):
    X, _, W, b = problem
    got = sol.predict_proba(X, W, b)
    assert got.shape == (len(X),)
    assert np.all((got > 0) & (got < 1))
    # The same formula written elementwise: agreement to 1e-12 relative (only rounding differs).
    expected = [1 / (1 + np.exp(-(float(np.dot(row, W)) + b))) for row in X]
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(sol.predict_proba(X.tolist(), W.tolist(), b), got, rtol=1e-15)


def test_predict_proba_matches_scikit_learn():
    # scikit-learn's predict_proba of a fitted model is sigmoid(X @ coef + intercept); only rounding differs.
    X, y = admissions()
    model = fit_scikit_learn(X, y)
    np.testing.assert_allclose(sol.predict_proba(X, model.coef_[0], model.intercept_[0]), model.predict_proba(X)[:, 1],
                               rtol=1e-12, atol=1e-15)


# ---------------------------------------------------------------- log_loss_gradient

def test_log_loss_gradient_by_hand():
    # At W = 0, b = 0 every probability is 0.5: dW = X.T @ (0.5 - y) / 4 = [2, 1.5] / 4, db = mean(0.5 - y) = 0.25.
    dW, db = sol.log_loss_gradient(X_SMALL, Y_SMALL, np.zeros(2), 0.0)
    np.testing.assert_allclose(dW, [0.5, 0.375], rtol=1e-15)
    assert isinstance(db, float) and db == pytest.approx(0.25, rel=1e-15)


@settings(max_examples=60, deadline=None)
@given(problems())
def test_log_loss_gradient_agrees_with_the_numerical_gradient(problem):
    X, y, W, b = problem
    dW, db = sol.log_loss_gradient(X, y, W, b)
    assert np.shape(dW) == (X.shape[1],) and np.ndim(db) == 0
    analytic = np.append(dW, db)
    numeric = numerical_gradient(lambda theta: mean_log_loss(X, y, theta[:-1], theta[-1]), np.append(W, b))
    # Relative error below 1e-7 (the course's threshold), plus an absolute floor of 1e-9: the centred difference
    # itself carries rounding noise of about eps * |E| / h ~ 1e-10, so when the true gradient is (almost) zero,
    # as on symmetric data, the relative error only measures that noise.
    difference = np.linalg.norm(analytic - numeric)
    assert difference <= 1e-7 * (np.linalg.norm(analytic) + np.linalg.norm(numeric)) + 1e-9, relative_error(analytic, numeric)


@settings(max_examples=40, deadline=None)
@given(problems())
def test_log_loss_gradient_is_a_mean_over_the_points(problem):
    # Repeating every point leaves a mean unchanged (a sum would double); 1e-12 relative allows for summation order.
    X, y, W, b = problem
    dW, db = sol.log_loss_gradient(X, y, W, b)
    dW2, db2 = sol.log_loss_gradient(np.vstack([X, X]), np.concatenate([y, y]), W, b)
    np.testing.assert_allclose(dW2, dW, rtol=1e-12, atol=1e-15)
    assert db2 == pytest.approx(db, rel=1e-12, abs=1e-15)


def test_log_loss_gradient_leaves_its_arguments_alone_and_takes_lists():
    X, y, W = X_SMALL.copy(), Y_SMALL.copy(), np.array([0.5, -0.25])
    dW, db = sol.log_loss_gradient(X, y, W, 0.1)
    assert np.array_equal(X, X_SMALL) and np.array_equal(y, Y_SMALL) and np.array_equal(W, [0.5, -0.25])
    dW_list, db_list = sol.log_loss_gradient(X.tolist(), y.tolist(), W.tolist(), 0.1)
    np.testing.assert_array_equal(dW_list, dW)
    assert db_list == db


# ---------------------------------------------------------------- gradient_descent_step

def test_gradient_descent_step_by_hand():
    new_W, new_b = sol.gradient_descent_step(X_SMALL, Y_SMALL, np.zeros(2), 0.0, 0.1)
    np.testing.assert_allclose(new_W, [-0.05, -0.0375], rtol=1e-15)
    assert new_b == pytest.approx(-0.025, rel=1e-15)


@settings(max_examples=60, deadline=None)
@given(problems(), st.floats(0.01, 1.0))
def test_gradient_descent_step_goes_downhill(problem, fraction):
    # The error's gradient is L-Lipschitz with L = lambda_max(Xb.T @ Xb / n) / 4 (Xb is X with a column of ones,
    # sigma' <= 1/4); any step with learn_rate <= 1/L cannot increase the error (the descent lemma).
    X, y, W, b = problem
    Xb = np.column_stack([X, np.ones(len(X))])
    smoothness = np.linalg.eigvalsh(Xb.T @ Xb / len(X)).max() / 4
    learn_rate = fraction / smoothness
    W_before = W.copy()
    new_W, new_b = sol.gradient_descent_step(X, y, W, b, learn_rate)
    assert np.array_equal(W, W_before) and new_W is not W
    # 1e-12 absolute: two nearly equal errors of size <= 20 differ by rounding only.
    assert mean_log_loss(X, y, new_W, new_b) <= mean_log_loss(X, y, W, b) + 1e-12


# ---------------------------------------------------------------- train_logistic_regression

@settings(max_examples=30, deadline=None)
@given(problems(max_points=6, max_features=3), st.integers(1, 6), st.floats(0.05, 1.0))
def test_training_is_repeated_steps_from_zero_with_the_loss_after_each(problem, epochs, learn_rate):
    X, y, _, _ = problem
    W, b, losses = sol.train_logistic_regression(X, y, learn_rate=learn_rate, epochs=epochs)
    assert len(losses) == epochs
    W_ref, b_ref = np.zeros(X.shape[1]), 0.0
    for i in range(epochs):
        W_ref, b_ref = sol.gradient_descent_step(X, y, W_ref, b_ref, learn_rate)
        # The loss after step i, computed independently; 1e-12 relative allows for rounding only.
        assert losses[i] == pytest.approx(mean_log_loss(X, y, W_ref, b_ref), rel=1e-12, abs=1e-15)
    np.testing.assert_allclose(W, W_ref, rtol=1e-15)
    assert b == pytest.approx(b_ref, rel=1e-15, abs=1e-300)


def test_training_defaults_and_lists():
    W, b, losses = sol.train_logistic_regression(X_SMALL.tolist(), Y_SMALL.tolist())
    assert len(losses) == 1000 and W.shape == (2,) and np.ndim(b) == 0
    W_again, b_again, _ = sol.train_logistic_regression(X_SMALL, Y_SMALL, learn_rate=0.1, epochs=1000)
    np.testing.assert_array_equal(W, W_again)
    assert b == b_again


# ---------------------------------------------------------------- scikit-learn on the admissions data

def admissions():
    """The admissions data, features divided by 10 (in [0, 1]), as in lesson 07."""
    frame = datasets.load_admissions()
    return frame[["test", "grades"]].to_numpy() / 10, frame["accepted"].to_numpy()


def fit_scikit_learn(X, y):
    from sklearn.linear_model import LogisticRegression

    # C=np.inf switches the penalty off (scikit-learn 1.8+ deprecates penalty=None); tight tol and enough
    # iterations so that scikit-learn itself sits at the minimum.
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a convergence or deprecation warning would make the reference doubtful
        return LogisticRegression(C=np.inf, tol=1e-10, max_iter=10_000).fit(X, y)


def test_training_reaches_scikit_learns_unregularised_minimum():
    X, y = admissions()
    model = fit_scikit_learn(X, y)
    loss_sklearn = mean_log_loss(X, y, model.coef_[0], model.intercept_[0])
    # learn_rate 2.0 is below 1/L = 2.26 for this data (L as in test_gradient_descent_step_goes_downhill), so every
    # step goes downhill; 10,000 epochs take well under a second.
    W, b, losses = sol.train_logistic_regression(X, y, learn_rate=2.0, epochs=10_000)
    assert all(later <= earlier + 1e-12 for earlier, later in zip(losses, losses[1:], strict=False))
    # Tolerance 1e-3: gradient descent only approaches the minimum (the valley's floor is flat, so the last steps
    # gain little; here it ends about 1e-5 above it), while a wrong gradient (a sum, a wrong sign, no sigmoid)
    # ends 0.05 or more above it or diverges. The data is not separable, so the minimum exists.
    assert losses[-1] == pytest.approx(mean_log_loss(X, y, W, b), rel=1e-12)
    assert abs(losses[-1] - loss_sklearn) < 1e-3
    assert losses[-1] >= loss_sklearn - 1e-9  # nothing can beat the minimum (1e-9: scikit-learn's own tolerance)
    # The weights agree to 5 %: along the flat floor of the valley a weight can still move by 1 % while the
    # error changes by only 1e-5.
    np.testing.assert_allclose(np.append(W, b), np.append(model.coef_[0], model.intercept_[0]), rtol=0.05)


def test_separable_data_has_no_minimum():
    # Why the comparison uses the admissions data: on perceptron.csv the error keeps falling as a separating line's
    # weights are scaled up, so there is no minimum for two programs to agree on.
    frame = datasets.load_perceptron()
    X, y = frame[["x1", "x2"]].to_numpy(), frame["y"].to_numpy()
    errors = [mean_log_loss(X, y, c * np.array([0.75, 1.0]), -c) for c in (1, 10, 100, 1000)]
    assert all(later < earlier for earlier, later in zip(errors, errors[1:], strict=False)) and errors[-1] < 1e-10


def test_gradient_descent_step_takes_integer_weights_and_bias():
    X, y = [[1, 2], [2, 0], [0, 1]], [1, 0, 1]
    W_int, b_int = sol.gradient_descent_step(X, y, [1, -1], 0, 0.25)
    W_float, b_float = sol.gradient_descent_step(np.array(X, dtype=float), np.array(y), np.array([1.0, -1.0]), 0.0, 0.25)
    np.testing.assert_allclose(W_int, W_float, rtol=1e-12)
    assert b_int == pytest.approx(b_float, rel=1e-12)


def test_training_from_the_minimum_still_records_every_epoch():
    # Each point carries both labels, so W = 0, b = 0 minimises the loss: the gradient is 0 and nothing moves.
    X = np.array([[1.0, 2.0], [1.0, 2.0], [-3.0, 0.5], [-3.0, 0.5]])
    W, b, losses = sol.train_logistic_regression(X, np.array([1, 0, 1, 0]), learn_rate=0.5, epochs=4)
    np.testing.assert_allclose(losses, np.full(4, np.log(2.0)), rtol=1e-12)
    np.testing.assert_allclose(W, [0.0, 0.0], atol=1e-15)
    assert b == pytest.approx(0.0, abs=1e-15)
