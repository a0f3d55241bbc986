"""Shuffles X and y with two different permutations, so rows lose their labels.

function: split_data
expect: wrong
must_fail: test_split_data_partition
"""
import numpy as np


def split_data(X, y, test_fraction=0.1, rng=None):
    if rng is None:
        rng = np.random.default_rng()
    X = rng.permutation(np.asarray(X))
    y = rng.permutation(np.asarray(y))
    n_test = round(len(X) * test_fraction)
    return X[n_test:], y[n_test:], X[:n_test], y[:n_test]
