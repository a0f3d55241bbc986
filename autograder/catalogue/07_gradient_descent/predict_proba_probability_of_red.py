"""Puts the minus sign in twice, sigmoid(-(X @ W + b)): the probability of class 0, not class 1.

function: predict_proba
expect: wrong
must_fail: test_predict_proba_lesson_students, test_predict_proba_hidden
"""
import numpy as np


def predict_proba(X, W, b):
    return sigmoid(-(np.asarray(X, dtype=float) @ np.asarray(W, dtype=float) + b))  # noqa: F821 (given in the notebook)
