"""Copies W with np.array(W) (keeping its dtype) and subtracts in place, which fails for a list of integers.

function: gradient_descent_step
expect: wrong
must_fail: test_gradient_descent_step_hidden
"""
import numpy as np


def gradient_descent_step(X, y, W, b, learn_rate):
    dW, db = log_loss_gradient(X, y, W, b)  # noqa: F821 (defined in the notebook)
    new_W = np.array(W)
    new_W -= learn_rate * dW
    return new_W, b - learn_rate * db
