"""Sums over the classes only (axis=1), returning one value per point instead of the total.

function: multiclass_cross_entropy
expect: wrong
must_fail: test_multiclass_cross_entropy_animals, test_multiclass_cross_entropy_two_classes, test_multiclass_cross_entropy_hidden
"""
import numpy as np


def multiclass_cross_entropy(Y, P):
    Y, P = np.asarray(Y, dtype=float), np.asarray(P, dtype=float)
    return -np.sum(Y * np.log(P), axis=1)
