"""Returns the labels as floats (1.0 and 0.0) instead of integers.

function: predict
expect: wrong
must_fail: test_predict_lesson_students, test_predict_hidden
"""
import numpy as np


def predict(X, W, b):
    return np.where(score(X, W, b) >= 0, 1.0, 0.0)[()]
