"""The reference solutions of 08_backpropagation against the contract (COURSE_SPEC.md).

References: explicit loops with math.exp and scikit-learn's MLPClassifier (same network, weights set by
hand) for feedforward; the numerical gradient of nnhelpers.gradcheck for backprop (the course requires
that the network's gradients pass the numerical check in a test: here over random network sizes with
hypothesis); a plain gradient-descent loop for train_network; and nonlinear.csv, which a network
trained as in lesson 08 separates completely.
"""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from solutions import load_solutions

from nnhelpers import COURSE_SEED, datasets
from nnhelpers.gradcheck import numerical_gradients, relative_error

sol = load_solutions("08_backpropagation")

KEYS = {"W1", "b1", "W2", "b2"}
# Feedforward and one gradient step are a handful of float operations: another correct order of the
# same sums differs in the last bits only, far inside rtol=1e-10.
RTOL, ATOL = 1e-10, 1e-13


def close(got, expected, rtol=RTOL, atol=ATOL):
    np.testing.assert_allclose(np.asarray(got, dtype=float), np.asarray(expected, dtype=float), rtol=rtol, atol=atol)


def random_network(seed, d, h, n):
    """Points, labels and parameters drawn from a normal distribution: every score stays well inside +-30."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = rng.integers(0, 2, size=n)
    params = {"W1": rng.normal(size=(d, h)), "b1": rng.normal(size=h), "W2": rng.normal(size=h), "b2": float(rng.normal())}
    return X, y, params


def mean_log_loss(params, X, y):
    """The network's mean log-loss, written out independently of the solutions."""
    hidden = 1 / (1 + np.exp(-(X @ params["W1"] + params["b1"])))
    p = 1 / (1 + np.exp(-(hidden @ params["W2"] + params["b2"])))
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def copies(params):
    return {key: np.array(value, copy=True) for key, value in params.items()}


def assert_same_params(a, b):
    assert set(a) == set(b) == KEYS
    for key in KEYS:
        assert np.array_equal(np.asarray(a[key]), np.asarray(b[key])), key


sizes = st.tuples(st.integers(1, 4), st.integers(1, 5), st.integers(1, 6))  # d inputs, h hidden nodes, n points
seeds = st.integers(0, 2**32 - 1)


# --------------------------------------------------------------------------- feedforward

@settings(max_examples=100, deadline=None)
@given(sizes, seeds)
def test_feedforward_matches_explicit_loops(size, seed):
    X, _, params = random_network(seed, *size)
    before = copies(params)
    output, hidden = sol.feedforward(X, params)
    d, h, n = size
    assert output.shape == (n,) and hidden.shape == (n, h)
    for i in range(n):
        row = [1 / (1 + math.exp(-(params["b1"][j] + sum(X[i, k] * params["W1"][k, j] for k in range(d))))) for j in range(h)]
        out = 1 / (1 + math.exp(-(params["b2"] + sum(row[j] * params["W2"][j] for j in range(h)))))
        close(hidden[i], row)
        close(output[i], out)
    assert_same_params(params, before)


def test_feedforward_agrees_with_scikit_learn():
    X, _, params = random_network(1, 3, 5, 20)
    # An MLPClassifier with one logistic hidden layer computes the same network; fit once to create
    # its arrays, then put our weights in.
    mlp = MLPClassifier(hidden_layer_sizes=(5,), activation="logistic", max_iter=1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(X, np.arange(20) % 2)
    mlp.coefs_ = [params["W1"], params["W2"].reshape(-1, 1)]
    mlp.intercepts_ = [params["b1"], np.array([params["b2"]])]
    output, _ = sol.feedforward(X, params)
    close(output, mlp.predict_proba(X)[:, 1], rtol=1e-9)  # scikit-learn sums in its own order


def test_feedforward_with_zero_weights_gives_one_half():
    zero = {"W1": np.zeros((2, 3)), "b1": np.zeros(3), "W2": np.zeros(3), "b2": 0.0}
    output, hidden = sol.feedforward(np.array([[1.0, 2.0], [-3.0, 0.5]]), zero)
    assert np.array_equal(output, [0.5, 0.5]) and np.array_equal(hidden, np.full((2, 3), 0.5))


def test_feedforward_takes_lists_of_integers():
    params = {"W1": np.array([[1, -1], [0, 2]]), "b1": np.array([0, 1]), "W2": np.array([1, -1]), "b2": 0}
    output, hidden = sol.feedforward([[1, 2], [0, -1]], params)
    sig = lambda t: 1 / (1 + math.exp(-t))  # noqa: E731
    close(hidden, [[sig(1), sig(4)], [sig(0), sig(-1)]])
    close(output, [sig(sig(1) - sig(4)), sig(sig(0) - sig(-1))])


# --------------------------------------------------------------------------- backprop

@settings(max_examples=100, deadline=None)
@given(sizes, seeds)
def test_backprop_passes_the_numerical_gradient_check(size, seed):
    """The course's required check: backprop agrees with the numerical gradient, relative error < 1e-7."""
    X, y, params = random_network(seed, *size)
    before = copies(params)
    gradients = sol.backprop(X, y, params)
    assert set(gradients) == KEYS
    for key in ("W1", "b1", "W2"):
        assert np.shape(gradients[key]) == params[key].shape, key
    assert isinstance(gradients["b2"], float)
    # h = 1e-5 balances the centred difference's truncation error (order h**2) against rounding
    # (order eps / h): over 3000 random networks of these sizes the largest relative error of the
    # reference was 1.4e-9, a factor 70 below the threshold.
    numeric = numerical_gradients(lambda q: mean_log_loss(q, X, y), params, h=1e-5)
    assert relative_error(gradients, numeric) < 1e-7
    assert_same_params(params, before)


def test_backprop_with_zero_weights_by_hand():
    zero = {"W1": np.zeros((2, 3)), "b1": np.zeros(3), "W2": np.zeros(3), "b2": 0.0}
    X = np.array([[0.0, 0.0], [1.0, 2.0], [-1.0, 0.5], [2.0, -1.0]])
    gradients = sol.backprop(X, np.array([1, 1, 1, 0]), zero)
    # Every output and hidden value is 0.5: delta2 = [-0.5, -0.5, -0.5, 0.5], and W2 = 0 stops delta1.
    assert gradients["b2"] == -0.25
    close(gradients["W2"], [-0.125] * 3)
    assert not np.any(gradients["W1"]) and not np.any(gradients["b1"])


def test_backprop_is_a_mean_over_the_points():
    X, y, params = random_network(2, 3, 4, 5)
    once = sol.backprop(X, y, params)
    many = sol.backprop(np.tile(X, (200, 1)), np.tile(y, 200), params)
    for key in KEYS:
        close(many[key], once[key], rtol=1e-12)  # a mean of 1000 repeated terms, summed in another order


def test_backprop_takes_lists_and_leaves_its_arguments_alone():
    X, y, params = random_network(3, 2, 3, 4)
    X_int = np.round(X * 3).astype(int)
    X_before, y_before, params_before = X_int.copy(), y.copy(), copies(params)
    from_arrays = sol.backprop(X_int, y, params)
    from_lists = sol.backprop(X_int.tolist(), y.tolist(), params)
    for key in KEYS:
        close(from_lists[key], from_arrays[key])
    assert np.array_equal(X_int, X_before) and np.array_equal(y, y_before)
    assert_same_params(params, params_before)


# --------------------------------------------------------------------------- train_network

def plain_gradient_descent(X, y, params, learn_rate, epochs):
    """The reference loop, written out: params - learn_rate * gradient, loss recorded after each step."""
    current = copies(params)
    losses = []
    for _ in range(epochs):
        gradients = sol.backprop(X, y, current)
        current = {key: current[key] - learn_rate * gradients[key] for key in current}
        losses.append(mean_log_loss(current, X, y))
    return current, losses


@pytest.mark.parametrize(("learn_rate", "epochs"), [(1.0, 1), (0.3, 5), (2.0, 20)])
def test_train_network_is_plain_gradient_descent(learn_rate, epochs):
    X, y, params = random_network(4, 2, 3, 6)
    before = copies(params)
    new_params, losses = sol.train_network(X, y, params, learn_rate=learn_rate, epochs=epochs)
    expected, expected_losses = plain_gradient_descent(X, y, params, learn_rate, epochs)
    assert set(new_params) == KEYS and isinstance(new_params["b2"], float)
    for key in KEYS:
        close(new_params[key], expected[key], rtol=1e-9)  # up to 20 steps of last-bit differences
    assert len(losses) == epochs
    close(losses, expected_losses, rtol=1e-9)
    assert_same_params(params, before)


def test_train_network_first_loss_is_after_the_first_step():
    X, y, params = random_network(5, 2, 3, 6)
    stepped = {key: params[key] - 0.5 * value for key, value in sol.backprop(X, y, params).items()}
    _, losses = sol.train_network(X, y, params, learn_rate=0.5, epochs=1)
    close(losses[0], mean_log_loss(stepped, X, y))
    assert losses[0] < mean_log_loss(params, X, y)  # a small step against the gradient lowers the error


def test_train_network_defaults_are_one_and_a_thousand():
    X, y, params = random_network(6, 2, 3, 6)
    new_params, losses = sol.train_network(X, y, params)
    expected, expected_losses = plain_gradient_descent(X, y, params, 1.0, 1000)
    assert len(losses) == 1000
    close(losses[-1], expected_losses[-1], rtol=1e-7)  # 1000 steps: last-bit differences may grow a little
    close(new_params["W1"], expected["W1"], rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("epochs", [0, 3])
def test_train_network_returns_arrays_of_its_own(epochs):
    X, y, params = random_network(7, 2, 3, 6)
    before = copies(params)
    new_params, losses = sol.train_network(X, y, params, learn_rate=0.5, epochs=epochs)
    assert len(losses) == epochs
    if epochs == 0:
        assert_same_params(new_params, before)
    for key in ("W1", "b1", "W2"):
        assert not np.shares_memory(new_params[key], params[key])
        new_params[key][...] = 99.0
    assert_same_params(params, before)


def test_training_on_nonlinear_data_reaches_the_lessons_accuracy():
    """Lesson 08's setup (4 hidden nodes, learning rate 5, 4000 epochs, random normal starting weights)
    separates nonlinear.csv completely; it does so from each of 30 different random starts, so this
    does not hang on one lucky draw."""
    data = datasets.load_nonlinear()
    X, y = data[["x1", "x2"]].to_numpy(), data["y"].to_numpy()
    rng = np.random.default_rng(COURSE_SEED)
    start = {"W1": rng.normal(size=(2, 4)), "b1": np.zeros(4), "W2": rng.normal(size=4), "b2": 0.0}
    trained, losses = sol.train_network(X, y, start, learn_rate=5.0, epochs=4000)
    output, _ = sol.feedforward(X, trained)
    assert np.mean((output >= 0.5) == y) == 1.0
    assert losses[-1] < 0.05 < 0.4 < losses[0]  # the best line's error is 0.42


def test_train_network_takes_integer_parameters():
    integer = {"W1": np.array([[1, -1], [0, 2]]), "b1": np.array([0, 1]), "W2": np.array([1, -1]), "b2": 0}
    as_float = {key: np.array(value, dtype=float) for key, value in integer.items()}
    X, y = [[1, 2], [0, -1], [3, 0]], [1, 0, 0]
    got, got_losses = sol.train_network(X, y, integer, learn_rate=0.5, epochs=2)
    expected, expected_losses = sol.train_network(X, y, as_float, learn_rate=0.5, epochs=2)
    assert_same_params(got, expected)
    close(got_losses, expected_losses)


def test_train_network_records_every_epoch_where_the_gradient_is_zero():
    zero = {"W1": np.zeros((2, 3)), "b1": np.zeros(3), "W2": np.zeros(3), "b2": 0.0}
    X = np.array([[1.0, 2.0], [1.0, 2.0], [0.0, -1.0], [0.0, -1.0]])
    new_params, losses = sol.train_network(X, np.array([1, 0, 1, 0]), zero, learn_rate=1.0, epochs=3)
    close(losses, np.full(3, math.log(2.0)))
    assert_same_params(new_params, zero)
