"""The reference solutions of 06_maximum_likelihood against the contract: likelihood, cross_entropy,
multiclass_cross_entropy.

References: scikit-learn's log_loss with normalize=False (the summed cross-entropy, two classes and many),
math.prod / math.fsum (correctly rounded products and sums), and 50-digit decimal arithmetic for the literals
the notebook's tests use.
"""

import math
from decimal import Decimal, getcontext

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import log_loss as sklearn_log_loss
from solutions import load_solutions

sol = load_solutions("06_maximum_likelihood")

probabilities = st.floats(1e-6, 1 - 1e-6, allow_nan=False)


@st.composite
def labelled_points(draw, min_size=1, max_size=60):
    n = draw(st.integers(min_size, max_size))
    y = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n))
    p = draw(st.lists(probabilities, min_size=n, max_size=n))
    return np.array(y), np.array(p)


@st.composite
def one_hot_points(draw):
    n, k = draw(st.integers(1, 30)), draw(st.integers(2, 6))
    labels = np.array(draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)))
    scores = np.array(draw(st.lists(st.floats(-8, 8, allow_nan=False), min_size=n * k, max_size=n * k))).reshape(n, k)
    P = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)  # rows of probabilities, all in (0, 1)
    return labels, np.eye(k, dtype=int)[labels], P


def decimal_ln(x):
    getcontext().prec = 50
    return Decimal(repr(float(x))).ln()


# --- the lecture's numbers and the notebook's literals ---------------------------------------------

def test_the_lecture_numbers():
    y = np.array([1, 1, 0, 0])
    # Products of four decimals: a few ulps of rounding at most.
    assert sol.likelihood(y, [0.6, 0.2, 0.9, 0.3]) == pytest.approx(0.0084, rel=1e-14)
    assert sol.likelihood(y, [0.7, 0.9, 0.2, 0.4]) == pytest.approx(0.3024, rel=1e-14)
    assert round(sol.cross_entropy(y, [0.6, 0.2, 0.9, 0.3]), 1) == 4.8
    assert round(sol.cross_entropy(y, [0.7, 0.9, 0.2, 0.4]), 1) == 1.2
    assert round(sol.cross_entropy([1, 1, 0], [0.8, 0.7, 0.1]), 2) == 0.69
    assert round(sol.cross_entropy([0, 0, 1], [0.8, 0.7, 0.1]), 2) == 5.12
    P = [[0.7, 0.2, 0.1], [0.3, 0.4, 0.3], [0.1, 0.5, 0.4]]
    assert round(sol.multiclass_cross_entropy([[1, 0, 0], [0, 0, 1], [0, 0, 1]], P), 2) == 2.48


@pytest.mark.parametrize("terms, literal", [
    ([0.6, 0.2, 0.1, 0.7], 4.779523573132869),
    ([0.7, 0.9, 0.8, 0.6], 1.1960046346767592),
    ([0.8, 0.7, 0.9], 0.6851790109107685),
    ([0.2, 0.3, 0.1], 5.115995809754082),
    ([0.7, 0.3, 0.4], 2.4769384801388235),
    ([0.9] * 10_000, 1053.6051565782627),
    ([0.95, 0.8, 0.4, 0.3, 0.5] * 2000, 6175.6951249235935),
    ([0.5] * 6, 4.1588830833596715),
    ([0.25], 1.3862943611198906),
    ([0.3, 0.25, 0.9, 0.1, 0.97], 5.028671981582407),
    ([0.1], 2.3025850929940455),
    ([0.8, 0.6, 0.4, 0.25] * 2500, 7591.385670185616),
])
def test_the_notebook_literals_are_right(terms, literal):
    """Each literal of a test cell is -sum(ln q) of the probabilities q of the actual labels, to within 1e-15 relative."""
    exact = -sum(decimal_ln(q) for q in terms)
    assert abs(float(exact) - literal) <= 1e-15 * literal


def test_the_notebook_inputs_give_those_literals():
    # The notebook's 10,000-point inputs, as the hidden tests build them; check_close's default tolerance.
    y = np.tile(np.array([1, 0, 0, 1, 1]), 2000)
    p = np.tile(np.array([0.95, 0.2, 0.6, 0.3, 0.5]), 2000)
    assert sol.cross_entropy(y, p) == pytest.approx(6175.6951249235935, rel=1e-12)
    Y = np.tile(np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 1, 0]]), (2500, 1))
    P = np.tile(np.array([[0.8, 0.1, 0.1], [0.2, 0.6, 0.2], [0.3, 0.3, 0.4], [0.5, 0.25, 0.25]]), (2500, 1))
    assert sol.multiclass_cross_entropy(Y, P) == pytest.approx(7591.385670185616, rel=1e-12)


# --- likelihood ------------------------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(labelled_points(max_size=30))
def test_likelihood_is_the_product_of_the_probabilities_of_the_actual_labels(case):
    y, p = case
    before = (y.copy(), p.copy())
    got = sol.likelihood(y, p)
    assert np.ndim(got) == 0
    expected = math.prod(q if label == 1 else 1 - q for label, q in zip(y.tolist(), p.tolist(), strict=True))
    # n <= 30 roundings of a product: well inside 1e-12 relative; atol for products that underflow towards 0.
    assert got == pytest.approx(expected, rel=1e-12, abs=1e-300)
    assert np.array_equal(y, before[0]) and np.array_equal(p, before[1])
    assert sol.likelihood(y.tolist(), p.tolist()) == pytest.approx(expected, rel=1e-12, abs=1e-300)
    assert sol.likelihood(y.astype(float), p) == pytest.approx(expected, rel=1e-12, abs=1e-300)


# --- cross_entropy ---------------------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(labelled_points())
def test_cross_entropy_matches_scikit_learn_summed_log_loss(case):
    y, p = case
    before = (y.copy(), p.copy())
    got = sol.cross_entropy(y, p)
    assert np.ndim(got) == 0
    # sklearn clips p to [eps, 1 - eps], which does not touch p in [1e-6, 1 - 1e-6]; both sum n logarithms in
    # another order, so they agree to ~n ulps.
    assert got == pytest.approx(sklearn_log_loss(y, p, normalize=False, labels=[0, 1]), rel=1e-10)
    assert np.array_equal(y, before[0]) and np.array_equal(p, before[1])
    assert sol.cross_entropy(y.tolist(), p.tolist()) == pytest.approx(got, rel=1e-14)


@settings(max_examples=100, deadline=None)
@given(labelled_points(max_size=20))
def test_cross_entropy_is_minus_log_likelihood_where_the_product_is_representable(case):
    y, p = case
    # 20 factors >= 1e-6 give a likelihood >= 1e-120: no underflow, so the identity holds to rounding.
    assert sol.cross_entropy(y, p) == pytest.approx(-math.log(sol.likelihood(y, p)), rel=1e-10, abs=1e-12)


@settings(max_examples=20, deadline=None)
@given(st.integers(10_000, 20_000), st.floats(0.05, 0.95), st.integers(0, 2**32 - 1))
def test_cross_entropy_stays_finite_and_accurate_for_many_points(n, center, seed):
    rng = np.random.default_rng(seed)
    p = np.clip(rng.normal(center, 0.05, n), 0.01, 0.99)
    y = (rng.random(n) < 0.5).astype(int)
    with np.errstate(all="raise"):  # no overflow, underflow to -inf, or invalid operation on the way
        got = sol.cross_entropy(y, p)
    assert math.isfinite(got)
    # math.fsum is correctly rounded; np.sum's pairwise summation of 20,000 terms is within ~1e-13 relative.
    expected = math.fsum(-math.log(q) if label == 1 else -math.log(1 - q) for label, q in zip(y.tolist(), p.tolist(), strict=True))
    assert got == pytest.approx(expected, rel=1e-12)


def test_cross_entropy_is_a_sum_not_a_mean():
    y, p = np.array([1, 0, 1]), np.array([0.9, 0.4, 0.6])
    once = sol.cross_entropy(y, p)
    assert sol.cross_entropy(np.tile(y, 5), np.tile(p, 5)) == pytest.approx(5 * once, rel=1e-14)


# --- multiclass_cross_entropy ----------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(one_hot_points())
def test_multiclass_cross_entropy_matches_scikit_learn(case):
    labels, Y, P = case
    before = (Y.copy(), P.copy())
    got = sol.multiclass_cross_entropy(Y, P)
    assert np.ndim(got) == 0
    k = Y.shape[1]
    # sklearn takes the labels and the same rows of probabilities; sums of n logarithms agree to ~n ulps.
    assert got == pytest.approx(sklearn_log_loss(labels, P, normalize=False, labels=list(range(k))), rel=1e-10)
    assert np.array_equal(Y, before[0]) and np.array_equal(P, before[1])
    assert sol.multiclass_cross_entropy(Y.tolist(), P.tolist()) == pytest.approx(got, rel=1e-14)


@settings(max_examples=200, deadline=None)
@given(labelled_points())
def test_multiclass_with_two_classes_is_the_two_class_cross_entropy(case):
    y, p = case
    Y = np.column_stack([1 - y, y])
    P = np.column_stack([1 - p, p])
    # The same terms summed in a different order.
    assert sol.multiclass_cross_entropy(Y, P) == pytest.approx(sol.cross_entropy(y, p), rel=1e-12)


def test_cross_entropy_uses_probabilities_far_below_1e_7_as_they_are():
    assert sol.cross_entropy([1, 0, 1], [1e-10, 1e-300, 0.5]) == pytest.approx(10 * math.log(10) + math.log(2), rel=1e-12)


def test_multiclass_cross_entropy_takes_float_and_integer_one_hot_rows_alike():
    Y = np.array([[0, 1, 0], [1, 0, 0], [0, 0, 1]])
    P = np.array([[0.2, 0.5, 0.3], [0.6, 0.3, 0.1], [0.25, 0.25, 0.5]])
    expected = -(math.log(0.5) + math.log(0.6) + math.log(0.5))
    assert sol.multiclass_cross_entropy(Y, P) == pytest.approx(expected, rel=1e-12)
    assert sol.multiclass_cross_entropy(Y.astype(float), P) == pytest.approx(expected, rel=1e-12)
