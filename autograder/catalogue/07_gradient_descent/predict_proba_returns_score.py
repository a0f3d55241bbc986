"""Forgets the sigmoid: returns the score X @ W + b instead of a probability.

function: predict_proba
expect: wrong
must_fail: test_predict_proba_lesson_students, test_predict_proba_hidden
"""
import numpy as np


def predict_proba(X, W, b):
    return np.asarray(X, dtype=float) @ np.asarray(W, dtype=float) + b
