"""A correct answer: elementwise product summed over the last axis, which works for a matrix and for one point.

function: score
expect: correct
"""
import numpy as np


def score(X, W, b):
    return np.sum(np.asarray(X, dtype=float) * np.asarray(W, dtype=float), axis=-1) + b
