"""Averages softmax(Z) - Y along axis=1 for db: one number per point instead of one per class.

function: softmax_regression_gradient
expect: wrong
must_fail: test_softmax_regression_gradient_at_zero, test_softmax_regression_gradient_numerical, test_softmax_regression_gradient_hidden
"""
import numpy as np


def softmax_regression_gradient(X, Y, W, b):
    X = np.asarray(X, dtype=float)
    errors = softmax(X @ np.asarray(W, dtype=float) + b) - np.asarray(Y, dtype=float)  # noqa: F821 (given)
    return X.T @ errors / len(X), errors.mean(axis=1)
