"""Returns the error rate (the fraction of wrong predictions) instead of the accuracy.

function: evaluate
expect: wrong
must_fail: test_evaluate_values, test_evaluate_threshold, test_evaluate_hidden
"""
import numpy as np


def evaluate(X, y, params):
    output, _ = feedforward(X, params)
    return float(np.mean((output >= 0.5) != np.asarray(y)))
