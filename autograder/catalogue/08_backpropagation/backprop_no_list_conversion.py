"""Right for arrays, but uses X.T without converting X, which fails when X is given as a list.

function: backprop
expect: wrong
must_fail: test_backprop_hidden
"""
import numpy as np


def backprop(X, y, params):
    output, hidden = feedforward(X, params)
    delta2 = output - y
    delta1 = np.outer(delta2, params["W2"]) * hidden * (1 - hidden)
    n = len(X)
    return {"W1": X.T @ delta1 / n, "b1": delta1.mean(axis=0), "W2": hidden.T @ delta2 / n, "b2": float(delta2.mean())}
