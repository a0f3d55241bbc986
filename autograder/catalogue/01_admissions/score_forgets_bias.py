"""Forgets the bias: returns X @ W without adding b.

function: score
expect: wrong
must_fail: test_score_lesson_students, test_score_single_point, test_score_hidden
"""
import numpy as np


def score(X, W, b):
    return np.asarray(X, dtype=float) @ np.asarray(W, dtype=float)
