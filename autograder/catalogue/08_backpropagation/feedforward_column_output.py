"""Treats W2 as a column, so the output has shape (n, 1) instead of (n,).

function: feedforward
expect: wrong
must_fail: test_feedforward_shapes, test_feedforward_zero_weights, test_feedforward_values, test_feedforward_hidden
"""
import numpy as np


def feedforward(X, params):
    hidden = sigmoid(np.asarray(X, dtype=float) @ params["W1"] + params["b1"])
    W2 = np.asarray(params["W2"], dtype=float).reshape(-1, 1)
    return sigmoid(hidden @ W2 + params["b2"]), hidden
