"""Makes the generator for rng=None with a fixed seed, so every call without rng gives the very same split.

function: split_data
expect: wrong
must_fail: test_split_data_hidden
"""
import numpy as np


def split_data(X, y, test_fraction=0.1, rng=None):
    if rng is None:
        rng = np.random.default_rng(42)  # "reproducible"
    X, y = np.asarray(X), np.asarray(y)
    n_test = round(len(X) * test_fraction)
    order = rng.permutation(len(X))
    return X[order[n_test:]], y[order[n_test:]], X[order[:n_test]], y[order[:n_test]]
