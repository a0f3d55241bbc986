"""Forgets the bias: sigmoid(X @ W).

function: predict_proba
expect: wrong
must_fail: test_predict_proba_lesson_students, test_predict_proba_hidden
"""
import numpy as np


def predict_proba(X, W, b):
    return sigmoid(np.asarray(X, dtype=float) @ np.asarray(W, dtype=float))  # noqa: F821 (given in the notebook)
