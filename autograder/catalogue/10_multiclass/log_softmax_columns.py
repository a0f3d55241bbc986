"""Takes the maximum and the sum down the columns (axis=0): right for a vector, wrong for a matrix.

function: log_softmax
expect: wrong
must_fail: test_log_softmax_rows, test_log_softmax_large_scores
"""
import numpy as np


def log_softmax(Z):
    Z = np.asarray(Z, dtype=float)
    shifted = Z - Z.max(axis=0, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=0, keepdims=True))
