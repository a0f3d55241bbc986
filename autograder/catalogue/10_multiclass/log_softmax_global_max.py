"""Subtracts the largest score of the whole matrix, not of each row: a row far below it underflows.

function: log_softmax
expect: wrong
must_fail: test_log_softmax_large_scores
"""
import numpy as np


def log_softmax(Z):
    Z = np.asarray(Z, dtype=float)
    shifted = Z - Z.max()
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))
