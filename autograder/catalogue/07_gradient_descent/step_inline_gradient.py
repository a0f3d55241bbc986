"""A correct answer that computes the gradient inline with np.dot and np.subtract, and warns on stderr.

function: gradient_descent_step
expect: correct
"""
import warnings

import numpy as np


def gradient_descent_step(X, y, W, b, learn_rate):
    warnings.warn("taking one gradient descent step", stacklevel=2)
    X = np.asarray(X, dtype=float)
    p = 1 / (1 + np.exp(-(np.dot(X, W) + b)))
    residual = np.subtract(p, y)
    return np.subtract(W, learn_rate * np.dot(residual, X) / len(X)), b - learn_rate * residual.mean()
