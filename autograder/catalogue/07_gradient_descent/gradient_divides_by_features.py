"""Divides by the number of features d (len(W)) instead of the number of points n.

function: log_loss_gradient
expect: wrong
must_fail: test_log_loss_gradient_at_zero, test_log_loss_gradient_values, test_log_loss_gradient_numerical, test_log_loss_gradient_hidden
"""
import numpy as np


def log_loss_gradient(X, y, W, b):
    X = np.asarray(X, dtype=float)
    errors = predict_proba(X, W, b) - np.asarray(y, dtype=float)  # noqa: F821 (defined in the notebook)
    return X.T @ errors / len(W), float(np.sum(errors) / len(W))
