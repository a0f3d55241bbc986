"""Forgets the minus sign: returns the sum of the logarithms, a negative number.

function: cross_entropy
expect: wrong
must_fail: test_cross_entropy_lecture_models, test_cross_entropy_doors, test_cross_entropy_many_points, test_cross_entropy_hidden
"""
import numpy as np


def cross_entropy(y, p):
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    return float(np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))
