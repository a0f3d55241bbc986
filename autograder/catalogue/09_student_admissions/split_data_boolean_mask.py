"""A correct answer: choose the test rows with rng.choice (no repeats) and split with a boolean mask.

function: split_data
expect: correct
"""
import numpy as np


def split_data(X, y, test_fraction=0.1, rng=None):
    rng = np.random.default_rng() if rng is None else rng
    X = np.asarray(X)
    y = np.asarray(y)
    n = X.shape[0]
    in_test = np.zeros(n, dtype=bool)
    in_test[rng.choice(n, size=round(n * test_fraction), replace=False)] = True
    return X[~in_test], y[~in_test], X[in_test], y[in_test]
