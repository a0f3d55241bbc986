"""Reads each row's class as Y @ [0, 1, ..., k-1] and indexes P with it: fine for integer Y, fails for float one-hot Y.

function: multiclass_cross_entropy
expect: wrong
must_fail: test_multiclass_cross_entropy_hidden
"""
import numpy as np


def multiclass_cross_entropy(Y, P):
    Y = np.asarray(Y)
    P = np.asarray(P, dtype=float)
    classes = Y @ np.arange(Y.shape[1])  # the column of the 1 in each row
    return float(-np.sum(np.log(P[np.arange(len(Y)), classes])))
