"""Normalises along axis=0: right for a vector, but a matrix is normalised column by column.

function: softmax
expect: wrong
must_fail: test_softmax_rows, test_softmax_rows_hidden, test_softmax_hidden
"""
import numpy as np


def softmax(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)
