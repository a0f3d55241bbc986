"""Uses e^x / (1 + e^x): right on paper, but inf / inf = nan for scores above about 709.

function: sigmoid
expect: wrong
must_fail: test_sigmoid_large_inputs
"""
import numpy as np


def sigmoid(x):
    x = np.asarray(x, dtype=float)
    return np.exp(x) / (1 + np.exp(x))
