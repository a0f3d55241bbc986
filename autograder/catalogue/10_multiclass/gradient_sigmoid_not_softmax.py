"""Uses the sigmoid of each score, as in lesson 07, instead of the softmax of each row.

function: softmax_regression_gradient
expect: wrong
must_fail: test_softmax_regression_gradient_at_zero, test_softmax_regression_gradient_values, test_softmax_regression_gradient_numerical
"""
import numpy as np


def softmax_regression_gradient(X, Y, W, b):
    X = np.asarray(X, dtype=float)
    P = 1 / (1 + np.exp(-(X @ np.asarray(W, dtype=float) + np.asarray(b, dtype=float))))
    errors = P - np.asarray(Y, dtype=float)
    return X.T @ errors / len(X), errors.mean(axis=0)
