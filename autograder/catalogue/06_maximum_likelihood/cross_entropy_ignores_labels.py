"""Sums -ln p for every point, as if all the points were blue.

function: cross_entropy
expect: wrong
must_fail: test_cross_entropy_lecture_models, test_cross_entropy_doors, test_cross_entropy_hidden
"""
import numpy as np


def cross_entropy(y, p):
    return float(-np.sum(np.log(np.asarray(p, dtype=float))))
