"""Right values, but computes in place in the caller's float array (x *= -1, np.exp(x, out=x), ...).

function: sigmoid
expect: wrong
must_fail: test_sigmoid_hidden
"""
import numpy as np


def sigmoid(x):
    x = np.asarray(x, dtype=float)  # no copy when x already is a float array
    x *= -1
    np.exp(x, out=x)
    x += 1
    return 1 / x
