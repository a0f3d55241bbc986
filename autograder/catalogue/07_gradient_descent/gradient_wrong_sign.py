"""Uses y - p instead of p - y: the gradient of the wrong sign, which points downhill.

function: log_loss_gradient
expect: wrong
must_fail: test_log_loss_gradient_at_zero, test_log_loss_gradient_values, test_log_loss_gradient_numerical, test_log_loss_gradient_hidden
"""
import numpy as np


def log_loss_gradient(X, y, W, b):
    X = np.asarray(X, dtype=float)
    errors = np.asarray(y, dtype=float) - predict_proba(X, W, b)  # noqa: F821 (defined in the notebook)
    return X.T @ errors / len(X), float(np.mean(errors))
