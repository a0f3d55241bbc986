"""Forgets to average: returns the array of errors, one per point.

function: log_loss
expect: wrong
must_fail: test_log_loss_values, test_log_loss_hidden
"""
import numpy as np


def log_loss(y, p):
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p))
