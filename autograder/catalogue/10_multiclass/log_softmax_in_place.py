"""Shifts the scores in place (Z -= ...): for a float array, the caller's scores change.

function: log_softmax
expect: wrong
must_fail: test_log_softmax_hidden
"""
import numpy as np


def log_softmax(Z):
    Z = np.asarray(Z, dtype=float)  # no copy when Z already is a float array
    Z -= Z.max(axis=-1, keepdims=True)
    return Z - np.log(np.sum(np.exp(Z), axis=-1, keepdims=True))
