"""Returns the mean over the points (the log-loss of lesson 03) instead of the sum.

function: cross_entropy
expect: wrong
must_fail: test_cross_entropy_lecture_models, test_cross_entropy_doors, test_cross_entropy_many_points, test_cross_entropy_hidden
"""
import numpy as np


def cross_entropy(y, p):
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
