"""Averages (p - y) * x over the wrong axis: one number per point instead of one per weight.

function: log_loss_gradient
expect: wrong
must_fail: test_log_loss_gradient_at_zero, test_log_loss_gradient_numerical, test_log_loss_gradient_hidden
"""
import numpy as np


def log_loss_gradient(X, y, W, b):
    X = np.asarray(X, dtype=float)
    errors = predict_proba(X, W, b) - np.asarray(y, dtype=float)  # noqa: F821 (defined in the notebook)
    return np.mean(X * errors[:, None], axis=1), float(np.mean(errors))
