"""A stable two-branch sigmoid filled into np.empty_like(x): integer input gives an integer result (all 0 or 1).

function: sigmoid
expect: wrong
must_fail: test_sigmoid_hidden
"""
import numpy as np


def sigmoid(x):
    x = np.asarray(x)
    out = np.empty_like(x)
    positive = x >= 0
    out[positive] = 1 / (1 + np.exp(-x[positive]))
    e = np.exp(x[~positive])
    out[~positive] = e / (1 + e)
    return out[()]
