"""Returns (hidden, output) instead of (output, hidden).

function: feedforward
expect: wrong
must_fail: test_feedforward_shapes, test_feedforward_values, test_feedforward_hidden
"""
import numpy as np


def feedforward(X, params):
    hidden = sigmoid(np.asarray(X, dtype=float) @ params["W1"] + params["b1"])
    return hidden, sigmoid(hidden @ params["W2"] + params["b2"])
