"""A correct answer with the probabilities from exp(log_softmax(Z)), np.dot and np.einsum.

function: softmax_regression_gradient
expect: correct
"""
import numpy as np


def softmax_regression_gradient(X, Y, W, b):
    X = np.array(X, dtype=float)
    P = np.exp(log_softmax(np.dot(X, W) + np.array(b)))  # noqa: F821 (defined in the notebook)
    errors = P - np.array(Y)
    n = X.shape[0]
    return np.einsum("ij,ik->jk", X, errors) / n, np.einsum("ik->k", errors) / n
