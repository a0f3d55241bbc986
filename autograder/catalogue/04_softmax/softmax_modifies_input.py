"""Right values, but subtracts the maximum in place (z -= ...), changing the caller's array.

function: softmax
expect: wrong
must_fail: test_softmax_hidden
"""
import numpy as np


def softmax(z):
    z = np.asarray(z)  # no copy for an array: the caller's array is changed below
    z -= z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)
