"""Returns the mean over the points instead of the sum.

function: multiclass_cross_entropy
expect: wrong
must_fail: test_multiclass_cross_entropy_animals, test_multiclass_cross_entropy_two_classes, test_multiclass_cross_entropy_hidden
"""
import numpy as np


def multiclass_cross_entropy(Y, P):
    Y, P = np.asarray(Y, dtype=float), np.asarray(P, dtype=float)
    return float(-np.mean(np.sum(Y * np.log(P), axis=1)))
