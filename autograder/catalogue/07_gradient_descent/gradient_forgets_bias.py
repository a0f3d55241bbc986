"""Computes the probabilities without the bias, sigmoid(X @ W): right only when b = 0.

function: log_loss_gradient
expect: wrong
must_fail: test_log_loss_gradient_values, test_log_loss_gradient_numerical, test_log_loss_gradient_hidden
"""
import numpy as np


def log_loss_gradient(X, y, W, b):
    X = np.asarray(X, dtype=float)
    p = 1 / (1 + np.exp(-(X @ np.asarray(W, dtype=float))))
    errors = p - np.asarray(y, dtype=float)
    return X.T @ errors / len(X), float(np.mean(errors))
