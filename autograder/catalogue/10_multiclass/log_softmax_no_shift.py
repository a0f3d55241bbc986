"""Leaves out the shift by the largest score: e^10000 overflows to inf and the result is nan or -inf.

function: log_softmax
expect: wrong
must_fail: test_log_softmax_large_scores
"""
import numpy as np


def log_softmax(Z):
    Z = np.asarray(Z, dtype=float)
    return Z - np.log(np.sum(np.exp(Z), axis=-1, keepdims=True))
