"""Sums the losses of the points instead of taking their mean.

function: softmax_cross_entropy
expect: wrong
must_fail: test_softmax_cross_entropy_example, test_softmax_cross_entropy_labels, test_softmax_cross_entropy_hidden
"""
import numpy as np


def softmax_cross_entropy(Y, Z):
    return float(-np.sum(np.asarray(Y, dtype=float) * log_softmax(Z)))  # noqa: F821 (defined in the notebook)
