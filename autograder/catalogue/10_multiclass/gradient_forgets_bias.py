"""Computes the scores without the bias, Z = X @ W: right only when b = 0.

function: softmax_regression_gradient
expect: wrong
must_fail: test_softmax_regression_gradient_values, test_softmax_regression_gradient_numerical, test_softmax_regression_gradient_hidden
"""
import numpy as np


def softmax_regression_gradient(X, Y, W, b):
    X = np.asarray(X, dtype=float)
    errors = softmax(X @ np.asarray(W, dtype=float)) - np.asarray(Y, dtype=float)  # noqa: F821 (given)
    return X.T @ errors / len(X), errors.mean(axis=0)
