"""Returns a column of shape (n, 1) instead of one score per row, shape (n,).

function: score
expect: wrong
must_fail: test_score_lesson_students, test_score_hidden
"""
import numpy as np


def score(X, W, b):
    X = np.atleast_2d(np.asarray(X, dtype=float))
    return X @ np.asarray(W, dtype=float).reshape(-1, 1) + b
