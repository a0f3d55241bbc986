"""Steps along the gradient (W + learn_rate * dW): climbs the error mountain instead of descending.

function: gradient_descent_step
expect: wrong
must_fail: test_gradient_descent_step_from_zero, test_gradient_descent_step_values, test_gradient_descent_step_hidden, test_train_logistic_regression_first_steps, test_train_logistic_regression_loss_goes_down
"""
import numpy as np


def gradient_descent_step(X, y, W, b, learn_rate):
    dW, db = log_loss_gradient(X, y, W, b)  # noqa: F821 (defined in the notebook)
    return np.asarray(W, dtype=float) + learn_rate * dW, b + learn_rate * db
