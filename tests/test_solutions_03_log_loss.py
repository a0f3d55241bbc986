"""The reference solutions of 03_log_loss against the contract: sigmoid, sigmoid_prime, log_loss.

References: SciPy's expit (the sigmoid), the numerical gradient of nnhelpers.gradcheck (the derivative),
scikit-learn's log_loss, and 50-digit decimal arithmetic for the literals the notebook's tests use.
"""

from decimal import Decimal, getcontext

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays
from scipy.special import expit
from sklearn.metrics import log_loss as sklearn_log_loss
from solutions import load_solutions

from nnhelpers.gradcheck import gradient_check

sol = load_solutions("03_log_loss")

scores = st.floats(-1000, 1000, allow_nan=False, allow_infinity=False)
moderate = st.floats(-30, 30, allow_nan=False, allow_infinity=False)
probabilities = st.floats(1e-6, 1 - 1e-6, allow_nan=False)


def decimal_sigmoid(x):
    getcontext().prec = 50
    return float(1 / (1 + (-Decimal(repr(float(x)))).exp()))


def decimal_log_loss(y, p):
    getcontext().prec = 50
    total = sum(-(Decimal(int(label)) * Decimal(repr(q)).ln() + (1 - Decimal(int(label))) * (1 - Decimal(repr(q))).ln())
                for label, q in zip(y, p, strict=True))
    return float(total / len(y))


# --- sigmoid ---------------------------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(arrays(float, array_shapes(min_dims=1, max_dims=3, max_side=5), elements=scores))
def test_sigmoid_matches_scipy_expit_without_overflow(x):
    before = x.copy()
    # The reference never overflows: turning NumPy's floating-point warnings into errors proves it.
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        got = sol.sigmoid(x)
    assert got.shape == x.shape and np.array_equal(x, before)
    assert np.all(np.isfinite(got)) and np.all((got >= 0) & (got <= 1))
    # Both are correctly rounded to a few ulps; atol covers subnormal results near x = -745.
    np.testing.assert_allclose(got, expit(x), rtol=1e-14, atol=1e-300)


@settings(max_examples=200, deadline=None)
@given(moderate)
def test_sigmoid_is_symmetric_and_scalar_in_scalar_out(t):
    s, s_minus = sol.sigmoid(t), sol.sigmoid(-t)
    assert np.ndim(s) == 0 and np.isscalar(s)
    # sigma(-t) = 1 - sigma(t); both sides are computed in double precision, so they agree to ~1e-16.
    assert s_minus == pytest.approx(1 - s, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("x", [-1000.0, -745.0, -40.0, -2.0, -1.0, -0.1, 0.0, 0.1, 1.0, 2.0, 40.0, 710.0, 1000.0])
def test_sigmoid_agrees_with_50_digit_arithmetic(x):
    # 1e-15 relative: a few ulps; the absolute part covers results that underflow below 1e-300.
    assert sol.sigmoid(x) == pytest.approx(decimal_sigmoid(x), rel=1e-15, abs=1e-300)


def test_sigmoid_landmarks_lists_and_integers():
    assert sol.sigmoid(0) == 0.5 and sol.sigmoid(0.0) == 0.5
    assert sol.sigmoid(-1000) == 0.0 and sol.sigmoid(1000) == 1.0
    got = sol.sigmoid([[-1, 0, 1], [3, -3, 0]])
    assert isinstance(got, np.ndarray) and got.shape == (2, 3) and got.dtype == float
    np.testing.assert_allclose(got, expit(np.array([[-1.0, 0.0, 1.0], [3.0, -3.0, 0.0]])), rtol=1e-14)


# --- sigmoid_prime ---------------------------------------------------------------------------------

@settings(max_examples=100, deadline=None)
@given(arrays(float, array_shapes(min_dims=1, max_dims=2, max_side=4), elements=st.floats(-6, 6)))
def test_sigmoid_prime_matches_the_numerical_gradient(x):
    # The slope of sum(sigmoid(x)) with respect to x_i is sigmoid'(x_i). The central difference divides a
    # rounding error of about 1e-16 (sigmoid near 1) by 2h = 2e-6: about 5e-11 absolute, which is below
    # 1e-7 relative to the smallest slope here (2.5e-3 at |x| = 6); 1e-6 leaves a margin.
    assert gradient_check(lambda v: np.sum(sol.sigmoid(v)), sol.sigmoid_prime(x), x) < 1e-6


@settings(max_examples=200, deadline=None)
@given(moderate)
def test_sigmoid_prime_is_symmetric_and_at_most_one_quarter(t):
    d = sol.sigmoid_prime(t)
    assert np.isscalar(d) and 0 <= d <= 0.25
    # Symmetric: sigma'(-t) = sigma'(t); the two products round differently in the last bits only.
    assert sol.sigmoid_prime(-t) == pytest.approx(d, rel=1e-9, abs=1e-15)


def test_sigmoid_prime_peak_lists_and_no_mutation():
    assert sol.sigmoid_prime(0) == 0.25
    x = np.array([-2.0, 0.0, 2.0])
    got = sol.sigmoid_prime(x)
    np.testing.assert_array_equal(x, [-2.0, 0.0, 2.0])
    # Exact formula e^-x / (1 + e^-x)^2 for comparison, accurate to a few ulps at these moderate points.
    np.testing.assert_allclose(got, np.exp(-x) / (1 + np.exp(-x)) ** 2, rtol=1e-14)
    np.testing.assert_allclose(sol.sigmoid_prime([-2, 0, 2]), got, rtol=0)


# --- log_loss --------------------------------------------------------------------------------------

labelled_points = st.integers(1, 30).flatmap(
    lambda n: st.tuples(st.lists(st.integers(0, 1), min_size=n, max_size=n), st.lists(probabilities, min_size=n, max_size=n))
)


@settings(max_examples=200, deadline=None)
@given(labelled_points)
def test_log_loss_matches_scikit_learn(points):
    y, p = points
    y_array, p_array = np.array(y), np.array(p)
    got = sol.log_loss(y_array, p_array)
    assert isinstance(got, float) and got >= 0
    # Same formula, summed in another order: agreement to 1e-12 relative.
    assert got == pytest.approx(sklearn_log_loss(y, p, labels=[0, 1]), rel=1e-12)
    np.testing.assert_array_equal(y_array, y)
    np.testing.assert_array_equal(p_array, p)


@settings(max_examples=100, deadline=None)
@given(labelled_points, st.integers(2, 5))
def test_log_loss_is_a_mean_not_a_sum(points, copies):
    y, p = points
    # Repeating every point leaves a mean unchanged (and would multiply a sum by `copies`).
    assert sol.log_loss(y * copies, p * copies) == pytest.approx(sol.log_loss(y, p), rel=1e-12)


@pytest.mark.parametrize(
    ("y", "p"),
    [([1, 0, 1, 0], [0.8, 0.25, 0.6, 0.475]), ([1], [0.8]), ([0], [0.8]), ([1], [0.3]),
     ([0, 1, 1, 0, 1, 0], [0.1, 0.7, 0.95, 0.4, 0.2, 0.65]), ([0, 1], [0.999, 1e-6]), ([1, 0, 0], [0.9, 0.1, 0.35])],
)
def test_log_loss_agrees_with_50_digit_arithmetic(y, p):
    # The notebook's tests compare with these values at rtol 1e-7; the reference is within a few ulps.
    assert sol.log_loss(y, p) == pytest.approx(decimal_log_loss(y, p), rel=1e-14)


def test_log_loss_natural_log_and_argument_order():
    assert sol.log_loss([1], [np.exp(-2.0)]) == pytest.approx(2.0, rel=1e-14)  # -ln(e^-2) = 2: the natural log
    assert sol.log_loss([0], [1 - np.exp(-3.0)]) == pytest.approx(3.0, rel=1e-12)  # 1 - p loses a few bits
    with np.errstate(divide="ignore", invalid="ignore"):
        swapped = sol.log_loss([0.8, 0.25], [1, 0])  # (p, y) instead of (y, p): ln(0) appears
    assert not np.isfinite(swapped)


def test_log_loss_uses_probabilities_far_below_1e_7_as_they_are():
    # p in (0, 1) includes tiny probabilities: no clipping. -ln(1e-10) and -ln(1e-100) by hand; ln(1 - 1e-300) = 0.
    got = sol.log_loss([1, 1, 0], [1e-10, 1e-100, 1e-300])
    assert got == pytest.approx((10 + 100) * np.log(10) / 3, rel=1e-12)
