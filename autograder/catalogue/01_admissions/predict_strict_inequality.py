"""Uses > instead of >=, so a student exactly on the line is rejected.

function: predict
expect: wrong
must_fail: test_predict_on_boundary, test_predict_hidden
"""
import numpy as np


def predict(X, W, b):
    return (score(X, W, b) > 0).astype(int)
