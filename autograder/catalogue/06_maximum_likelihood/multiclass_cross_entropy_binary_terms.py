"""Copies the two-class formula onto every class, adding -(1 - Y) ln(1 - P) for the classes that did not occur.

function: multiclass_cross_entropy
expect: wrong
must_fail: test_multiclass_cross_entropy_animals, test_multiclass_cross_entropy_two_classes, test_multiclass_cross_entropy_hidden
"""
import numpy as np


def multiclass_cross_entropy(Y, P):
    Y, P = np.asarray(Y, dtype=float), np.asarray(P, dtype=float)
    return float(-np.sum(Y * np.log(P) + (1 - Y) * np.log(1 - P)))
