"""Rounds halves up with int(n * test_fraction + 0.5), which gives 3 test rows for 2.5 where Python's round gives 2.

function: split_data
expect: wrong
must_fail: test_split_data_hidden
"""
import numpy as np


def split_data(X, y, test_fraction=0.1, rng=None):
    if rng is None:
        rng = np.random.default_rng()
    X, y = np.asarray(X), np.asarray(y)
    n_test = int(len(X) * test_fraction + 0.5)
    order = rng.permutation(len(X))
    return X[order[n_test:]], y[order[n_test:]], X[order[:n_test]], y[order[:n_test]]
