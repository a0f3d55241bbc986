"""A correct answer that copies W first and then updates the copy in place.

function: gradient_descent_step
expect: correct
"""
import numpy as np


def gradient_descent_step(X, y, W, b, learn_rate):
    dW, db = log_loss_gradient(X, y, W, b)  # noqa: F821 (defined in the notebook)
    new_W = np.array(W, dtype=float)
    new_W -= learn_rate * dW
    new_b = b
    new_b -= learn_rate * db
    return new_W, new_b
