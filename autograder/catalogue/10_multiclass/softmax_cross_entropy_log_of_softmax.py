"""Computes the loss from np.log(softmax(Z)): ln 0 = -inf, and 0 * -inf = nan for large scores.

function: softmax_cross_entropy
expect: wrong
must_fail: test_softmax_cross_entropy_large_scores
"""
import numpy as np


def softmax_cross_entropy(Y, Z):
    Y = np.asarray(Y, dtype=float)
    return float(np.mean(-np.sum(Y * np.log(softmax(Z)), axis=-1)))  # noqa: F821 (given in the notebook)
