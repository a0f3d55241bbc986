"""Returns the number of correct predictions instead of the fraction.

function: evaluate
expect: wrong
must_fail: test_evaluate_values, test_evaluate_threshold, test_evaluate_hidden
"""
import numpy as np


def evaluate(X, y, params):
    output, _ = feedforward(X, params)
    return int(np.sum((output >= 0.5) == np.asarray(y)))
