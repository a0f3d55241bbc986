"""Swaps the roles of labels and probabilities: -(p ln y + (1 - p) ln(1 - y)), which is inf or nan.

function: cross_entropy
expect: wrong
must_fail: test_cross_entropy_lecture_models, test_cross_entropy_doors, test_cross_entropy_many_points, test_cross_entropy_hidden
"""
import numpy as np


def cross_entropy(y, p):
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    return float(-np.sum(p * np.log(y) + (1 - p) * np.log(1 - y)))
