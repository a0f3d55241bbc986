"""A correct answer with np.einsum for every product, using the feedforward written before.

function: backprop
expect: correct
"""
import numpy as np


def backprop(X, y, params):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    output, hidden = feedforward(X, params)
    n = X.shape[0]
    delta2 = output - y
    delta1 = np.einsum("n,h->nh", delta2, params["W2"]) * hidden * (1 - hidden)
    return {
        "W1": np.einsum("nd,nh->dh", X, delta1) / n,
        "b1": np.einsum("nh->h", delta1) / n,
        "W2": np.einsum("nh,n->h", hidden, delta2) / n,
        "b2": np.einsum("n->", delta2) / n,
    }
