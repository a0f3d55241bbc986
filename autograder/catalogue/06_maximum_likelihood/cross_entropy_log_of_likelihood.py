"""Takes -ln of the likelihood: right for a few points, but for 10,000 the product underflows to 0.0 and -ln 0 = inf.

function: cross_entropy
expect: wrong
must_fail: test_cross_entropy_many_points, test_cross_entropy_hidden
"""
import numpy as np


def cross_entropy(y, p):
    y, p = np.asarray(y), np.asarray(p, dtype=float)
    return float(-np.log(np.prod(np.where(y == 1, p, 1 - p))))
