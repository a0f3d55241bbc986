"""Recomputes the hidden layer itself and forgets b1 there: hidden = sigmoid(X @ W1).

function: backprop
expect: wrong
must_fail: test_backprop_output_layer, test_backprop_hidden_layer, test_backprop_gradient_check, test_backprop_hidden
"""
import numpy as np


def backprop(X, y, params):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    hidden = sigmoid(X @ params["W1"])
    output = sigmoid(hidden @ params["W2"] + params["b2"])
    delta2 = output - y
    delta1 = np.outer(delta2, params["W2"]) * hidden * (1 - hidden)
    n = len(X)
    return {"W1": X.T @ delta1 / n, "b1": delta1.mean(axis=0), "W2": hidden.T @ delta2 / n, "b2": float(delta2.mean())}
