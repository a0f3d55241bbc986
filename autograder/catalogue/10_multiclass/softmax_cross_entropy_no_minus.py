"""Forgets the minus sign: the loss comes out negative.

function: softmax_cross_entropy
expect: wrong
must_fail: test_softmax_cross_entropy_example, test_softmax_cross_entropy_labels
"""
import numpy as np


def softmax_cross_entropy(Y, Z):
    Y = np.asarray(Y, dtype=float)
    return float(np.mean(np.sum(Y * log_softmax(Z), axis=-1)))  # noqa: F821 (defined in the notebook)
