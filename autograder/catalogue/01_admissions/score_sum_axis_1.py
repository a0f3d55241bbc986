"""Multiplies elementwise and sums over axis=1: right for a matrix, but a single point (1-D) raises an AxisError.

function: score
expect: wrong
must_fail: test_score_single_point, test_score_hidden
"""
import numpy as np


def score(X, W, b):
    return np.sum(np.asarray(X, dtype=float) * np.asarray(W, dtype=float), axis=1) + b
