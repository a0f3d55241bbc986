"""Averages delta1 over the wrong axis for b1 (axis=1), giving one value per point, shape (n,).

function: backprop
expect: wrong
must_fail: test_backprop_keys_and_shapes, test_backprop_hidden_layer, test_backprop_gradient_check
"""
import numpy as np


def backprop(X, y, params):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    output, hidden = feedforward(X, params)
    delta2 = output - y
    delta1 = np.outer(delta2, params["W2"]) * hidden * (1 - hidden)
    n = len(X)
    return {"W1": X.T @ delta1 / n, "b1": delta1.mean(axis=1), "W2": hidden.T @ delta2 / n, "b2": float(delta2.mean())}
