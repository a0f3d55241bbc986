"""A correct answer with np.log1p(-p) for ln(1 - p), and np.dot for the sums.

function: cross_entropy
expect: correct
"""
import numpy as np


def cross_entropy(y, p):
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    return -(np.dot(y, np.log(p)) + np.dot(1 - y, np.log1p(-p)))
