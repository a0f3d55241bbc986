"""Applies the sigmoid only once: the output is hidden @ W2 + b2, a score and not a probability.

function: feedforward
expect: wrong
must_fail: test_feedforward_zero_weights, test_feedforward_values, test_feedforward_hidden
"""
import numpy as np


def feedforward(X, params):
    hidden = sigmoid(np.asarray(X, dtype=float) @ params["W1"] + params["b1"])
    return hidden @ params["W2"] + params["b2"], hidden
