"""Uses > 0.5 instead of >= 0.5, so an output of exactly 0.5 is predicted as 0.

function: evaluate
expect: wrong
must_fail: test_evaluate_threshold, test_evaluate_hidden
"""
import numpy as np


def evaluate(X, y, params):
    output, _ = feedforward(X, params)
    return float(np.mean((output > 0.5).astype(int) == np.asarray(y)))
