"""A correct answer written with Python loops instead of a matrix product.

function: score
expect: correct
"""
import numpy as np


def score(X, W, b):
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        return sum(x * w for x, w in zip(X, W)) + b
    return np.array([sum(x * w for x, w in zip(row, W)) + b for row in X])
