"""Subtracts the bias instead of adding it (the line written as W.x - b = 0).

function: score
expect: wrong
must_fail: test_score_lesson_students, test_score_hidden
"""
import numpy as np


def score(X, W, b):
    return np.asarray(X) @ np.asarray(W) - b
