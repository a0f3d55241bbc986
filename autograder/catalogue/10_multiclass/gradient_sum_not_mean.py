"""Sums the gradients of the points instead of taking their mean (no division by n).

function: softmax_regression_gradient
expect: wrong
must_fail: test_softmax_regression_gradient_at_zero, test_softmax_regression_gradient_values, test_softmax_regression_gradient_numerical
"""
import numpy as np


def softmax_regression_gradient(X, Y, W, b):
    X = np.asarray(X, dtype=float)
    errors = softmax(X @ np.asarray(W, dtype=float) + b) - np.asarray(Y, dtype=float)  # noqa: F821 (given)
    return X.T @ errors, errors.sum(axis=0)
