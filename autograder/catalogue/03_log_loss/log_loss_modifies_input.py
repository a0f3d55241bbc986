"""Right value, but turns p into the probability of the true label in place, changing the caller's array.

function: log_loss
expect: wrong
must_fail: test_log_loss_hidden
"""
import numpy as np


def log_loss(y, p):
    y = np.asarray(y)
    p = np.asarray(p, dtype=float)  # no copy when p already is a float array
    p[y == 0] = 1 - p[y == 0]
    return float(-np.mean(np.log(p)))
