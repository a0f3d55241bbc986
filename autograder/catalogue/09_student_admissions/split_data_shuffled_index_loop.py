"""A correct answer: shuffle a list of row numbers with rng.shuffle, then build both parts in a loop.

function: split_data
expect: correct
"""
import numpy as np


def split_data(X, y, test_fraction=0.1, rng=None):
    if rng is None:
        rng = np.random.default_rng()
    rows = np.arange(len(X))
    rng.shuffle(rows)
    n_test = round(len(rows) * test_fraction)
    X_train, y_train, X_test, y_test = [], [], [], []
    for position, row in enumerate(rows):
        if position < n_test:
            X_test.append(X[row])
            y_test.append(y[row])
        else:
            X_train.append(X[row])
            y_train.append(y[row])
    width = np.shape(X)[1]
    return (np.array(X_train).reshape(-1, width), np.array(y_train), np.array(X_test).reshape(-1, width), np.array(y_test))
