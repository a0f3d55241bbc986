"""Shuffles with np.random.permutation (NumPy's global state) instead of the generator rng.

function: split_data
expect: wrong
must_fail: test_split_data_random, test_split_data_hidden
"""
import numpy as np


def split_data(X, y, test_fraction=0.1, rng=None):
    X, y = np.asarray(X), np.asarray(y)
    n_test = round(len(X) * test_fraction)
    order = np.random.permutation(len(X))
    return X[order[n_test:]], y[order[n_test:]], X[order[:n_test]], y[order[:n_test]]
