"""Computes the output right but returns the hidden layer before its sigmoid (X @ W1 + b1).

function: feedforward
expect: wrong
must_fail: test_feedforward_zero_weights, test_feedforward_values, test_feedforward_hidden
"""
import numpy as np


def feedforward(X, params):
    scores = np.asarray(X, dtype=float) @ params["W1"] + params["b1"]
    output = sigmoid(sigmoid(scores) @ params["W2"] + params["b2"])
    return output, scores
