"""Divides the scores by their sum without exponentiating: negative "probabilities", and 0 / 0 for a zero sum.

function: softmax
expect: wrong
must_fail: test_softmax_lecture_example, test_softmax_sums_to_one, test_softmax_rows, test_softmax_large_scores
"""
import numpy as np


def softmax(z):
    z = np.asarray(z, dtype=float)
    return z / z.sum(axis=-1, keepdims=True)
