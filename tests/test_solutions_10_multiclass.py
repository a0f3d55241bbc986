"""The reference solutions of 10_multiclass against the contract: values, stability, properties, the
numerical gradient, logistic regression as the two-class case, and scikit-learn's multinomial model."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.special import log_softmax as scipy_log_softmax
from solutions import load_solutions

from nnhelpers import datasets
from nnhelpers.gradcheck import numerical_gradient, relative_error

sol = load_solutions("10_multiclass")

X_SMALL = np.array([[1.0, 2.0], [3.0, -1.0], [0.0, 4.0], [2.0, 2.0]])
Y_SMALL = np.eye(3, dtype=int)[[0, 2, 1, 0]]


def mean_cross_entropy(X, Y, W, b):
    """The mean softmax cross-entropy written independently of the solutions (scipy's log_softmax)."""
    Z = np.asarray(X, dtype=float) @ np.asarray(W, dtype=float) + np.asarray(b, dtype=float)
    return float(-np.mean(np.sum(np.asarray(Y, dtype=float) * scipy_log_softmax(Z, axis=1), axis=1)))


def one_hot(labels, k):
    return np.eye(k, dtype=int)[labels]


@st.composite
def problems(draw, max_points=8, max_features=4, max_classes=4):
    """A small softmax regression problem with scores well inside +-30 (|x|, |w|, |b| <= 2, d <= 4: |z| <= 18)."""
    n = draw(st.integers(1, max_points))
    d = draw(st.integers(1, max_features))
    k = draw(st.integers(2, max_classes))
    element = st.floats(-2, 2, allow_nan=False, allow_infinity=False)
    X = draw(arrays(float, (n, d), elements=element))
    labels = draw(arrays(np.int64, (n,), elements=st.integers(0, k - 1)))
    W = draw(arrays(float, (d, k), elements=element))
    b = draw(arrays(float, (k,), elements=element))
    return X, one_hot(labels, k), W, b


large_scores = arrays(float, st.tuples(st.integers(1, 6), st.integers(1, 5)),
                      elements=st.floats(-10_000, 10_000, allow_nan=False, allow_infinity=False))


# ---------------------------------------------------------------- log_softmax

def test_log_softmax_of_the_lesson_scores():
    # ln of softmax(2, 1, 0) = (0.665, 0.245, 0.090); only rounding may differ (1e-12 relative).
    got = sol.log_softmax([2, 1, 0])
    np.testing.assert_allclose(got, np.log([0.6652409557748219, 0.24472847105479764, 0.09003057317038046]), rtol=1e-12)
    assert got.shape == (3,)


@settings(max_examples=80, deadline=None)
@given(large_scores)
def test_log_softmax_is_finite_and_accurate_up_to_10000(Z):
    got = sol.log_softmax(Z)
    assert got.shape == Z.shape and np.all(np.isfinite(got)) and np.all(got <= 0)
    # Against scipy: values up to 2e4 in size carry a rounding error of a few eps * 2e4 ~ 1e-11, hence atol 1e-9.
    np.testing.assert_allclose(got, scipy_log_softmax(Z, axis=1), rtol=1e-12, atol=1e-9)
    # A row's largest score has a probability of at least 1/k, so its log-probability is at least -ln k.
    assert np.all(got.max(axis=1) >= -np.log(Z.shape[1]) - 1e-12)


@settings(max_examples=60, deadline=None)
@given(large_scores, st.floats(-1000, 1000))
def test_log_softmax_rows_are_independent_and_shift_invariant(Z, shift):
    whole = sol.log_softmax(Z)
    for i, row in enumerate(Z):
        # A vector (k,) gives the row of the matrix (n, k); exactly, since the same operations run.
        np.testing.assert_array_equal(sol.log_softmax(row), whole[i])
    # Adding a constant to a row changes no probability; 1e-9 absolute covers the rounding of |Z| + |shift| ~ 1e4.
    np.testing.assert_allclose(sol.log_softmax(Z + shift), whole, rtol=1e-12, atol=1e-9)


def test_log_softmax_leaves_its_argument_alone():
    Z = np.array([[1.0, 2.0, 3.0], [-4.0, 0.0, 4.0]])
    before = Z.copy()
    sol.log_softmax(Z)
    np.testing.assert_array_equal(Z, before)


def test_where_softmax_underflows_log_softmax_does_not():
    # The lesson's point: ln(softmax) of (1000, 0, -1000) is (0, -inf, -inf); log_softmax gives (0, -1000, -2000).
    scores = np.array([1000.0, 0.0, -1000.0])
    with np.errstate(divide="ignore"):
        assert np.isneginf(np.log(sol.softmax(scores))[1:]).all()
    np.testing.assert_array_equal(sol.log_softmax(scores), [0.0, -1000.0, -2000.0])


# ---------------------------------------------------------------- softmax_cross_entropy

def test_softmax_cross_entropy_by_hand():
    # The mean of -ln 0.665 and -ln 0.245: (0.4076 + 1.4076) / 2; 1e-12 relative for rounding.
    got = sol.softmax_cross_entropy([[1, 0, 0], [0, 1, 0]], [[2, 1, 0], [2, 1, 0]])
    assert isinstance(got, float)
    assert got == pytest.approx((0.40760596444437584 + 1.4076059644443758) / 2, rel=1e-12)


@settings(max_examples=80, deadline=None)
@given(large_scores, st.data())
def test_softmax_cross_entropy_is_stable_and_takes_integer_or_float_labels(Z, data):
    labels = data.draw(arrays(np.int64, (Z.shape[0],), elements=st.integers(0, Z.shape[1] - 1)))
    Y = one_hot(labels, Z.shape[1])
    got = sol.softmax_cross_entropy(Y, Z)
    expected = -np.mean(scipy_log_softmax(Z, axis=1)[np.arange(len(labels)), labels])
    assert np.isfinite(got) and got >= 0
    # The loss is a mean of values up to 2e4: rounding of a few eps * 2e4, hence atol 1e-9.
    assert got == pytest.approx(expected, rel=1e-12, abs=1e-9)
    assert sol.softmax_cross_entropy(Y.astype(float), Z) == got
    assert sol.softmax_cross_entropy(Y.tolist(), Z.tolist()) == got


@settings(max_examples=60, deadline=None)
@given(problems())
def test_softmax_cross_entropy_is_lesson_06s_cross_entropy_divided_by_n(problem):
    # -sum(Y * ln P) / n with P = softmax(Z): equal for moderate scores, where P never underflows (1e-12 relative).
    X, Y, W, b = problem
    Z = X @ W + b
    lesson_06 = -np.sum(Y * np.log(sol.softmax(Z))) / len(Z)
    assert sol.softmax_cross_entropy(Y, Z) == pytest.approx(lesson_06, rel=1e-12, abs=1e-15)


@settings(max_examples=60, deadline=None)
@given(arrays(float, st.tuples(st.integers(1, 8), st.just(2)), elements=st.floats(-30, 30)), st.data())
def test_two_classes_give_the_log_loss_of_the_score_difference(Z, data):
    # With two classes softmax(z1, z0)_1 = sigmoid(z1 - z0): the loss is lesson 03's log-loss of t = z1 - z0,
    # written in the stable logaddexp form (-ln sigmoid(t) = ln(1 + e^-t)); 1e-12 relative for rounding.
    y = data.draw(arrays(np.int64, (Z.shape[0],), elements=st.integers(0, 1)))
    t = Z[:, 1] - Z[:, 0]
    log_loss = np.mean(y * np.logaddexp(0.0, -t) + (1 - y) * np.logaddexp(0.0, t))
    assert sol.softmax_cross_entropy(one_hot(y, 2), Z) == pytest.approx(log_loss, rel=1e-12, abs=1e-15)


# ---------------------------------------------------------------- softmax_regression_gradient

def test_gradient_at_zero_by_hand():
    # Every probability is 1/3: dW = X.T @ (1/3 - Y) / 4, db = mean(1/3 - Y); exact fractions.
    dW, db = sol.softmax_regression_gradient(X_SMALL, Y_SMALL, np.zeros((2, 3)), np.zeros(3))
    np.testing.assert_allclose(dW, [[-0.25, 0.5, -0.25], [-5 / 12, -5 / 12, 10 / 12]], rtol=1e-14)
    np.testing.assert_allclose(db, [-1 / 6, 1 / 12, 1 / 12], rtol=1e-14)


@settings(max_examples=80, deadline=None)
@given(problems())
def test_gradient_agrees_with_the_numerical_gradient(problem):
    X, Y, W, b = problem
    d, k = W.shape
    dW, db = sol.softmax_regression_gradient(X, Y, W, b)
    assert dW.shape == (d, k) and db.shape == (k,)
    analytic = np.concatenate([dW.ravel(), db])
    numeric = numerical_gradient(lambda theta: mean_cross_entropy(X, Y, theta[: d * k].reshape(d, k), theta[d * k:]),
                                 np.concatenate([W.ravel(), b]))
    # Relative error below 1e-7 (the course's threshold), plus an absolute floor of 1e-9 for the centred difference's
    # own rounding noise (about eps * |E| / h ~ 1e-10), which is all the relative error measures when the true
    # gradient is (almost) zero.
    difference = np.linalg.norm(analytic - numeric)
    assert difference <= 1e-7 * (np.linalg.norm(analytic) + np.linalg.norm(numeric)) + 1e-9, relative_error(analytic, numeric)


@settings(max_examples=60, deadline=None)
@given(problems())
def test_gradient_rows_sum_to_zero_and_it_is_a_mean(problem):
    # Each row of softmax(Z) - Y sums to 1 - 1 = 0, so db and every row of dW sum to zero over the classes
    # (the softmax does not change when every class's weights move together); 1e-12 absolute for rounding.
    X, Y, W, b = problem
    dW, db = sol.softmax_regression_gradient(X, Y, W, b)
    assert abs(db.sum()) <= 1e-12 and np.all(np.abs(dW.sum(axis=1)) <= 1e-12 * (1 + np.abs(X).sum()))
    dW2, db2 = sol.softmax_regression_gradient(np.vstack([X, X]), np.vstack([Y, Y]), W, b)
    np.testing.assert_allclose(dW2, dW, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(db2, db, rtol=1e-12, atol=1e-15)


@settings(max_examples=60, deadline=None)
@given(problems(max_classes=2))
def test_two_class_gradient_is_lesson_07s(problem):
    # With k = 2 the model is logistic regression on w = W[:, 1] - W[:, 0], and column 1 of the gradient is
    # lesson 07's X.T @ (sigmoid(t) - y) / n; 1e-12 relative, plus 1e-15 absolute near zero.
    X, Y, W, b = problem
    dW, db = sol.softmax_regression_gradient(X, Y, W, b)
    t = X @ (W[:, 1] - W[:, 0]) + (b[1] - b[0])
    residual = 1 / (1 + np.exp(-t)) - Y[:, 1]
    np.testing.assert_allclose(dW[:, 1], X.T @ residual / len(X), rtol=1e-9, atol=1e-14)
    assert db[1] == pytest.approx(np.mean(residual), rel=1e-9, abs=1e-14)


def test_gradient_leaves_its_arguments_alone_and_takes_lists():
    W, b = np.array([[0.5, -0.25, 0.1], [-0.3, 0.2, 0.4]]), np.array([0.1, -0.2, 0.05])
    arguments = (X_SMALL.copy(), Y_SMALL.copy(), W.copy(), b.copy())
    dW, db = sol.softmax_regression_gradient(*arguments)
    for before, after in zip((X_SMALL, Y_SMALL, W, b), arguments, strict=True):
        np.testing.assert_array_equal(after, before)
    dW_list, db_list = sol.softmax_regression_gradient(X_SMALL.tolist(), Y_SMALL.tolist(), W.tolist(), b.tolist())
    np.testing.assert_array_equal(dW_list, dW)
    np.testing.assert_array_equal(db_list, db)


# ---------------------------------------------------------------- train_softmax_regression

@settings(max_examples=30, deadline=None)
@given(problems(max_points=6, max_features=3), st.integers(1, 6), st.floats(0.05, 1.0))
def test_training_is_repeated_steps_from_zero_with_the_loss_after_each(problem, epochs, learn_rate):
    X, Y, _, _ = problem
    W, b, losses = sol.train_softmax_regression(X, Y, learn_rate=learn_rate, epochs=epochs)
    assert len(losses) == epochs
    W_ref, b_ref = np.zeros((X.shape[1], Y.shape[1])), np.zeros(Y.shape[1])
    for i in range(epochs):
        dW, db = sol.softmax_regression_gradient(X, Y, W_ref, b_ref)
        W_ref, b_ref = W_ref - learn_rate * dW, b_ref - learn_rate * db
        # The loss after step i, computed independently; 1e-12 relative allows for rounding only.
        assert losses[i] == pytest.approx(mean_cross_entropy(X, Y, W_ref, b_ref), rel=1e-12, abs=1e-15)
    np.testing.assert_allclose(W, W_ref, rtol=1e-15)
    np.testing.assert_allclose(b, b_ref, rtol=1e-15)


@settings(max_examples=30, deadline=None)
@given(problems(max_points=8, max_features=3), st.floats(0.05, 0.99))
def test_training_goes_downhill_below_the_safe_learning_rate(problem, fraction):
    # The Hessian of the mean softmax cross-entropy is at most lambda_max(Xb.T @ Xb / n) / 2 (Xb: X with a column
    # of ones; the Hessian of log-sum-exp, diag(p) - p p^T, is at most 1/2), so any learning rate below 2 / L
    # lowers the error at every step (the descent lemma). 1e-12 absolute: equal errors differ by rounding only.
    X, Y, _, _ = problem
    Xb = np.column_stack([X, np.ones(len(X))])
    smoothness = np.linalg.eigvalsh(Xb.T @ Xb / len(X)).max() / 2
    _, _, losses = sol.train_softmax_regression(X, Y, learn_rate=2 * fraction / smoothness, epochs=20)
    assert losses[0] <= np.log(Y.shape[1]) + 1e-12
    assert all(later <= earlier + 1e-12 for earlier, later in zip(losses, losses[1:], strict=False))


def test_training_defaults_and_lists_and_arguments_unchanged():
    X, Y = X_SMALL.copy(), Y_SMALL.copy()
    W, b, losses = sol.train_softmax_regression(X.tolist(), Y.tolist())
    assert len(losses) == 1000 and W.shape == (2, 3) and b.shape == (3,)
    W_again, b_again, _ = sol.train_softmax_regression(X, Y, learn_rate=0.1, epochs=1000)
    np.testing.assert_array_equal(W, W_again)
    np.testing.assert_array_equal(b, b_again)
    np.testing.assert_array_equal(X, X_SMALL)
    np.testing.assert_array_equal(Y, Y_SMALL)


# ---------------------------------------------------------------- scikit-learn and the iris flowers

def fit_scikit_learn(X, y):
    from sklearn.linear_model import LogisticRegression

    # C=np.inf switches the penalty off; a tight tol so that scikit-learn itself sits at the bottom.
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a convergence or deprecation warning would make the reference doubtful
        return LogisticRegression(C=np.inf, tol=1e-10, max_iter=10_000).fit(X, y)


def overlapping_clusters():
    """Three overlapping Gaussian clusters in 2-D: no class is separable, so the error has a unique minimum."""
    rng = np.random.default_rng(10)
    centres = np.array([[0.0, 0.0], [1.5, 0.5], [0.5, 1.5]])
    labels = np.repeat([0, 1, 2], 40)
    return centres[labels] + rng.normal(size=(120, 2)), labels


def centred(W, b):
    # Adding one vector to every class's weights changes no probability: compare the representatives whose
    # columns average to zero.
    return (W - W.mean(axis=1, keepdims=True)).ravel(), b - b.mean()


def test_training_reaches_scikit_learns_minimum_on_overlapping_classes():
    X, labels = overlapping_clusters()
    model = fit_scikit_learn(X, labels)
    W_sk, b_sk = model.coef_.T, model.intercept_
    W, b, losses = sol.train_softmax_regression(X, one_hot(labels, 3), learn_rate=1.0, epochs=5000)
    assert losses[-1] == pytest.approx(mean_cross_entropy(X, one_hot(labels, 3), W, b), rel=1e-12)
    loss_sk = mean_cross_entropy(X, one_hot(labels, 3), W_sk, b_sk)
    # Nothing beats the minimum (1e-9: scikit-learn's own tolerance); gradient descent gets within 1e-6 of it here,
    # while a wrong gradient (a sum, a wrong sign, sigmoids) ends far above it or diverges.
    assert loss_sk - 1e-9 <= losses[-1] <= loss_sk + 1e-6
    # At a unique minimum the weights agree too (up to the common shift), to 1e-3 relative.
    for ours, theirs in zip(centred(W, b), centred(W_sk, b_sk), strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-3, atol=1e-4)


def iris_split():
    """The lesson's and the assignment's split and standardisation (seed 42; the first 30 flowers are the test part)."""
    flowers = datasets.load_iris()
    values = flowers[list(datasets.IRIS_FEATURES)].to_numpy()
    labels = flowers["species"].to_numpy()
    order = np.random.default_rng(42).permutation(len(flowers))
    test, train = order[:30], order[30:]
    centre, spread = values[train].mean(axis=0), values[train].std(axis=0)
    return (values[train] - centre) / spread, labels[train], (values[test] - centre) / spread, labels[test]


def test_the_assignment_prepares_the_iris_split_of_the_lesson():
    X_train, y_train, X_test, y_test = iris_split()
    np.testing.assert_allclose(sol.X_iris_train, X_train, rtol=1e-15)
    np.testing.assert_allclose(sol.X_iris_test, X_test, rtol=1e-15)
    np.testing.assert_array_equal(sol.Y_iris_train, one_hot(y_train, 3))
    np.testing.assert_array_equal(sol.y_iris_test, y_test)
    assert np.bincount(y_test).tolist() == [10, 9, 11]


def test_iris_error_agrees_with_scikit_learn():
    # Setosa is linearly separable from the others, so the error has an infimum but no minimum: the weights of
    # both methods keep growing, and only the errors can agree. Gradient descent (learning rate 1 < 2 / L = 1.39)
    # ends about 4e-4 above scikit-learn after 10,000 epochs; a wrong gradient ends 0.05 or more away.
    X_train, y_train, X_test, _ = iris_split()
    model = fit_scikit_learn(X_train, y_train)
    W, b, losses = sol.train_softmax_regression(X_train, one_hot(y_train, 3), learn_rate=1.0, epochs=10_000)
    loss_sk = mean_cross_entropy(X_train, one_hot(y_train, 3), model.coef_.T, model.intercept_)
    assert abs(losses[-1] - loss_sk) < 1e-3
    np.testing.assert_array_equal(np.argmax(X_test @ W + b, axis=1), model.predict(X_test))


def test_the_graded_iris_model_reaches_the_required_accuracy():
    X_train, y_train, X_test, y_test = iris_split()
    W, b = sol.train_iris_model(X_train, one_hot(y_train, 3))
    correct = int(np.sum(np.argmax(X_test @ W + b, axis=1) == y_test))
    assert correct == 29, "the lesson and the assignment both promise 29 of the 30 test flowers"
    assert correct / 30 >= 0.9
