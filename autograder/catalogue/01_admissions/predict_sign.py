"""Returns the sign of the score (-1, 0, 1) instead of labels 0/1.

function: predict
expect: wrong
must_fail: test_predict_lesson_students, test_predict_on_boundary
"""
import numpy as np


def predict(X, W, b):
    return np.sign(score(X, W, b)).astype(int)
