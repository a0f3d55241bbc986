"""Takes the max and the sum without an axis: a matrix is normalised as a whole, so its rows do not add up to one.

function: softmax
expect: wrong
must_fail: test_softmax_rows, test_softmax_rows_hidden, test_softmax_hidden
"""
import numpy as np


def softmax(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max())
    return e / e.sum()
