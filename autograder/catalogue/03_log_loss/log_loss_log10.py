"""Uses the base-10 logarithm np.log10 instead of the natural logarithm.

function: log_loss
expect: wrong
must_fail: test_log_loss_values, test_log_loss_one_point, test_log_loss_hidden
"""
import numpy as np


def log_loss(y, p):
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    return float(np.mean(-(y * np.log10(p) + (1 - y) * np.log10(1 - p))))
