"""Clips p to [1e-7, 1 - 1e-7] "for safety", so tiny probabilities (inside (0, 1)) give a wrong, too small sum.

function: cross_entropy
expect: wrong
must_fail: test_cross_entropy_hidden
"""
import numpy as np


def cross_entropy(y, p):
    y = np.asarray(y, dtype=float)
    p = np.clip(np.asarray(p, dtype=float), 1e-7, 1 - 1e-7)
    return float(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))
