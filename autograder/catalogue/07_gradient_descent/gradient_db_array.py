"""Right numbers, but db is an array of shape (1,) instead of a single number.

function: log_loss_gradient
expect: wrong
must_fail: test_log_loss_gradient_at_zero, test_log_loss_gradient_numerical, test_log_loss_gradient_hidden
"""
import numpy as np


def log_loss_gradient(X, y, W, b):
    X = np.asarray(X, dtype=float)
    errors = predict_proba(X, W, b) - np.asarray(y, dtype=float)  # noqa: F821 (defined in the notebook)
    return X.T @ errors / len(X), np.mean(errors, keepdims=True)
