"""Returns the gradient for b2 as an array of one value, shape (1,), instead of a float.

function: backprop
expect: wrong
must_fail: test_backprop_keys_and_shapes, test_backprop_gradient_check
"""
import numpy as np


def backprop(X, y, params):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    output, hidden = feedforward(X, params)
    delta2 = (output - y).reshape(-1, 1)
    delta1 = delta2 * params["W2"] * hidden * (1 - hidden)
    n = len(X)
    return {"W1": X.T @ delta1 / n, "b1": delta1.mean(axis=0), "W2": hidden.T @ delta2[:, 0] / n, "b2": delta2.mean(axis=0)}
