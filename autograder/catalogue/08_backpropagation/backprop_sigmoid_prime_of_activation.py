"""Applies the sigmoid's derivative to the hidden values again: sigmoid(H) * (1 - sigmoid(H)) instead of H * (1 - H).

function: backprop
expect: wrong
must_fail: test_backprop_hidden_layer, test_backprop_gradient_check, test_backprop_hidden
"""
import numpy as np


def backprop(X, y, params):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    output, hidden = feedforward(X, params)
    delta2 = output - y
    slope = sigmoid(hidden) * (1 - sigmoid(hidden))
    delta1 = np.outer(delta2, params["W2"]) * slope
    n = len(X)
    return {"W1": X.T @ delta1 / n, "b1": delta1.mean(axis=0), "W2": hidden.T @ delta2 / n, "b2": float(delta2.mean())}
