"""Wraps the result in np.atleast_1d, so a single point gives an array of shape (1,) instead of one label.

function: predict
expect: wrong
must_fail: test_predict_hidden
"""
import numpy as np


def predict(X, W, b):
    return np.atleast_1d(np.where(score(X, W, b) >= 0, 1, 0))
