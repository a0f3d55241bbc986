"""Updates the weights but returns the bias unchanged.

function: gradient_descent_step
expect: wrong
must_fail: test_gradient_descent_step_from_zero, test_gradient_descent_step_values, test_gradient_descent_step_hidden
"""
import numpy as np


def gradient_descent_step(X, y, W, b, learn_rate):
    dW, db = log_loss_gradient(X, y, W, b)  # noqa: F821 (defined in the notebook)
    return np.asarray(W, dtype=float) - learn_rate * dW, b
