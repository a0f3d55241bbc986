"""Counts the test rows with int(n * test_fraction), which cuts 1.9 down to 1 instead of rounding.

function: split_data
expect: wrong
must_fail: test_split_data_sizes
"""
import numpy as np


def split_data(X, y, test_fraction=0.1, rng=None):
    if rng is None:
        rng = np.random.default_rng()
    X, y = np.asarray(X), np.asarray(y)
    n_test = int(len(X) * test_fraction)
    order = rng.permutation(len(X))
    return X[order[n_test:]], y[order[n_test:]], X[order[:n_test]], y[order[:n_test]]
