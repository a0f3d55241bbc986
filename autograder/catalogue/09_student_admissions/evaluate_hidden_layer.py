"""Predicts from the hidden layer (the second value feedforward returns) instead of the output.

function: evaluate
expect: wrong
must_fail: test_evaluate_values, test_evaluate_hidden
"""
import numpy as np


def evaluate(X, y, params):
    _, hidden = feedforward(X, params)
    return float(np.mean((hidden >= 0.5) == np.asarray(y)))
