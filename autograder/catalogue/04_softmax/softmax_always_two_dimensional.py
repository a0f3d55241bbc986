"""Works on np.atleast_2d(z) and returns it: a vector of shape (k,) comes back as shape (1, k).

function: softmax
expect: wrong
must_fail: test_softmax_lecture_example, test_softmax_large_scores, test_softmax_hidden
"""
import numpy as np


def softmax(z):
    z = np.atleast_2d(np.asarray(z, dtype=float))
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
