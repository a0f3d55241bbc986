"""Lays the probabilities out as classes by points (P.T), as in a table with one column per door.

function: multiclass_cross_entropy
expect: wrong
must_fail: test_multiclass_cross_entropy_animals, test_multiclass_cross_entropy_hidden
"""
import numpy as np


def multiclass_cross_entropy(Y, P):
    Y, P = np.asarray(Y, dtype=float), np.asarray(P, dtype=float)
    return float(-np.sum(Y.T * np.log(P)))
