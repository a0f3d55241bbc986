"""A correct answer with np.dot and np.mean over broadcast rows, computing p inline.

function: log_loss_gradient
expect: correct
"""
import numpy as np


def log_loss_gradient(X, y, W, b):
    X = np.array(X, dtype=float)
    p = 1.0 / (1.0 + np.exp(-(np.dot(X, W) + b)))
    residual = p - np.array(y)
    return np.mean(residual[:, np.newaxis] * X, axis=0), np.mean(residual)
