"""Takes np.mean over every entry of Y ln P (divides by n * k) instead of the sum.

function: multiclass_cross_entropy
expect: wrong
must_fail: test_multiclass_cross_entropy_animals, test_multiclass_cross_entropy_two_classes, test_multiclass_cross_entropy_hidden
"""
import numpy as np


def multiclass_cross_entropy(Y, P):
    return float(-np.mean(np.asarray(Y) * np.log(np.asarray(P))))
