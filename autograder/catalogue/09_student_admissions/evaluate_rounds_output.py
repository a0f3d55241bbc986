"""Rounds the output with np.round, which sends 0.5 to 0 (NumPy rounds halves to even).

function: evaluate
expect: wrong
must_fail: test_evaluate_threshold, test_evaluate_hidden
"""
import numpy as np


def evaluate(X, y, params):
    output, _ = feedforward(X, params)
    return float(np.mean(np.round(output) == np.asarray(y)))
