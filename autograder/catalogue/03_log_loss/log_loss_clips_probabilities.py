"""Clips p to [1e-7, 1 - 1e-7] before the logarithm, so a probability of 1e-10 (inside (0, 1)) is costed as 1e-7.

function: log_loss
expect: wrong
must_fail: test_log_loss_hidden
"""
import numpy as np


def log_loss(y, p):
    y = np.asarray(y, dtype=float)
    p = np.clip(np.asarray(p, dtype=float), 1e-7, 1 - 1e-7)
    return float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))
