"""Forgets the hidden biases: hidden = sigmoid(X @ W1).

function: feedforward
expect: wrong
must_fail: test_feedforward_values, test_feedforward_hidden
"""
import numpy as np


def feedforward(X, params):
    hidden = sigmoid(np.asarray(X, dtype=float) @ params["W1"])
    return sigmoid(hidden @ params["W2"] + params["b2"]), hidden
