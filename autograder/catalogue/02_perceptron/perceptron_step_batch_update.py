"""Updates all points at once: every point is predicted with the starting W and b (a batch update).

function: perceptron_step
expect: wrong
must_fail: test_perceptron_step_in_order, test_perceptron_step_hidden
"""
import numpy as np


def perceptron_step(X, y, W, b, learn_rate=0.01):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    W = np.array(W, dtype=float)
    errors = y - step(X @ W + b)
    return W + learn_rate * errors @ X, b + learn_rate * errors.sum()
