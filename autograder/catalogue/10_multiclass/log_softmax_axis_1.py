"""Works along axis=1: right for a matrix, but a vector of scores (k,) has no axis 1.

function: log_softmax
expect: wrong
must_fail: test_log_softmax_example, test_log_softmax_large_scores, test_log_softmax_hidden
"""
import numpy as np


def log_softmax(Z):
    Z = np.asarray(Z, dtype=float)
    shifted = Z - Z.max(axis=1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
