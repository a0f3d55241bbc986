"""Takes the logarithm of the (stable) softmax: a probability that underflows to 0 gives ln 0 = -inf.

function: log_softmax
expect: wrong
must_fail: test_log_softmax_large_scores
"""
import numpy as np


def log_softmax(Z):
    return np.log(softmax(Z))  # noqa: F821 (given in the notebook)
