"""Right value, but overwrites the red points' p by 1 - p inside the caller's array.

function: likelihood
expect: wrong
must_fail: test_likelihood_hidden
"""
import numpy as np


def likelihood(y, p):
    y = np.asarray(y)
    p = np.asarray(p, dtype=float)  # no copy when p is already a float array
    p[y == 0] = 1 - p[y == 0]
    return float(np.prod(p))
