"""Normalises each row, but subtracts the largest score of the whole matrix: a row far below it becomes 0 / 0.

function: softmax
expect: wrong
must_fail: test_softmax_rows_hidden
"""
import numpy as np


def softmax(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max())
    return e / e.sum(axis=-1, keepdims=True)
