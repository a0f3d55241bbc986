"""Uses the score X @ W + b in place of the probability p.

function: log_loss_gradient
expect: wrong
must_fail: test_log_loss_gradient_at_zero, test_log_loss_gradient_values, test_log_loss_gradient_numerical, test_log_loss_gradient_hidden
"""
import numpy as np


def log_loss_gradient(X, y, W, b):
    X = np.asarray(X, dtype=float)
    scores = X @ np.asarray(W, dtype=float) + b
    errors = scores - np.asarray(y, dtype=float)
    return X.T @ errors / len(X), float(np.mean(errors))
