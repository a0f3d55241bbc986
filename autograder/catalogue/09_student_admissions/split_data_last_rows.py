"""Takes the last rows as the test part, without shuffling: not a random split.

function: split_data
expect: wrong
must_fail: test_split_data_random
"""
import numpy as np


def split_data(X, y, test_fraction=0.1, rng=None):
    X, y = np.asarray(X), np.asarray(y)
    n_train = len(X) - round(len(X) * test_fraction)
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]
