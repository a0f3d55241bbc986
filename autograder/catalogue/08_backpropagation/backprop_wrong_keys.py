"""Names the gradients dW1, db1, dW2, db2 instead of using the keys of params.

function: backprop
expect: wrong
must_fail: test_backprop_keys_and_shapes, test_backprop_gradient_check
"""
import numpy as np


def backprop(X, y, params):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    output, hidden = feedforward(X, params)
    delta2 = output - y
    delta1 = np.outer(delta2, params["W2"]) * hidden * (1 - hidden)
    n = len(X)
    return {"dW1": X.T @ delta1 / n, "db1": delta1.mean(axis=0), "dW2": hidden.T @ delta2 / n, "db2": float(delta2.mean())}
