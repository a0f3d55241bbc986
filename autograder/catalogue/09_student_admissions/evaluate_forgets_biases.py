"""Writes its own forward pass and forgets the biases b1 and b2.

function: evaluate
expect: wrong
must_fail: test_evaluate_values, test_evaluate_hidden
"""
import numpy as np


def evaluate(X, y, params):
    hidden = 1 / (1 + np.exp(-(np.asarray(X, dtype=float) @ params["W1"])))
    output = 1 / (1 + np.exp(-(hidden @ params["W2"])))
    return float(np.mean((output >= 0.5) == np.asarray(y)))
