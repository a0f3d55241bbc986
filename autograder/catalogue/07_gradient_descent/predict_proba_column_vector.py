"""Treats W as a column, so the result is a column of shape (n, 1) instead of (n,).

function: predict_proba
expect: wrong
must_fail: test_predict_proba_lesson_students, test_predict_proba_hidden
"""
import numpy as np


def predict_proba(X, W, b):
    W = np.asarray(W, dtype=float).reshape(-1, 1)
    return sigmoid(np.asarray(X, dtype=float) @ W + b)  # noqa: F821 (given in the notebook)
