"""Draws the test rows with a second, independent permutation, so the two parts overlap and some rows are lost.

function: split_data
expect: wrong
must_fail: test_split_data_partition
"""
import numpy as np


def split_data(X, y, test_fraction=0.1, rng=None):
    if rng is None:
        rng = np.random.default_rng()
    X, y = np.asarray(X), np.asarray(y)
    n = len(X)
    n_test = round(n * test_fraction)
    train_rows = rng.permutation(n)[: n - n_test]
    test_rows = rng.permutation(n)[:n_test]
    return X[train_rows], y[train_rows], X[test_rows], y[test_rows]
