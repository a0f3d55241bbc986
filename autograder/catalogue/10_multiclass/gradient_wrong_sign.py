"""Uses Y - softmax(Z): the gradient points downhill, so gradient descent would climb.

function: softmax_regression_gradient
expect: wrong
must_fail: test_softmax_regression_gradient_at_zero, test_softmax_regression_gradient_values, test_softmax_regression_gradient_numerical
"""
import numpy as np


def softmax_regression_gradient(X, Y, W, b):
    X = np.asarray(X, dtype=float)
    errors = np.asarray(Y, dtype=float) - softmax(X @ np.asarray(W, dtype=float) + b)  # noqa: F821 (given)
    return X.T @ errors / len(X), errors.mean(axis=0)
