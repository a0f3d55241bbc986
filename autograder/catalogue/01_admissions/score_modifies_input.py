"""Right values, but multiplies X by W in place, changing the caller's array.

function: score
expect: wrong
must_fail: test_score_hidden
"""
import numpy as np


def score(X, W, b):
    if isinstance(X, np.ndarray) and X.dtype.kind == "f":
        X *= W
        return X.sum(axis=-1) + b
    return np.asarray(X, dtype=float) @ np.asarray(W, dtype=float) + b
