"""Shuffles the caller's X and y in place (one permutation, so pairs stay together) before slicing.

function: split_data
expect: wrong
must_fail: test_split_data_random, test_split_data_hidden
"""
import numpy as np


def split_data(X, y, test_fraction=0.1, rng=None):
    if rng is None:
        rng = np.random.default_rng()
    order = rng.permutation(len(X))
    X[:] = np.asarray(X)[order]
    y[:] = np.asarray(y)[order]
    n_test = round(len(X) * test_fraction)
    return X[n_test:], y[n_test:], X[:n_test], y[:n_test]
