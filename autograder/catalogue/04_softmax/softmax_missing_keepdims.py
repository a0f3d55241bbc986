"""Forgets keepdims=True: fine for a vector, but for a matrix the row maxima and sums broadcast along the wrong axis.

function: softmax
expect: wrong
must_fail: test_softmax_rows, test_softmax_rows_hidden
"""
import numpy as np


def softmax(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=-1))
    return e / e.sum(axis=-1)
