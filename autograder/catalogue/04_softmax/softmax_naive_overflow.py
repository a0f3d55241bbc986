"""Exponentiates the scores without subtracting the largest first: inf / inf = nan for scores near 1000.

function: softmax
expect: wrong
must_fail: test_softmax_large_scores, test_softmax_rows_hidden
"""
import numpy as np


def softmax(z):
    e = np.exp(np.asarray(z, dtype=float))
    return e / e.sum(axis=-1, keepdims=True)
