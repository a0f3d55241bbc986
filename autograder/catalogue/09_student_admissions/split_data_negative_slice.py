"""Takes the test rows with order[-n_test:]: for n_test = 0 that slice is every row, not none.

function: split_data
expect: wrong
must_fail: test_split_data_hidden
"""
import numpy as np


def split_data(X, y, test_fraction=0.1, rng=None):
    if rng is None:
        rng = np.random.default_rng()
    X, y = np.asarray(X), np.asarray(y)
    n_test = round(len(X) * test_fraction)
    order = rng.permutation(len(X))
    test_rows, train_rows = order[-n_test:], order[:-n_test]
    return X[train_rows], y[train_rows], X[test_rows], y[test_rows]
