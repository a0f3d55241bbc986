"""A correct answer with np.dot and the tanh form of the sigmoid, 0.5 * (1 + tanh(t / 2)).

function: predict_proba
expect: correct
"""
import numpy as np


def predict_proba(X, W, b):
    t = np.dot(X, W) + b
    return 0.5 * (1 + np.tanh(t / 2))
