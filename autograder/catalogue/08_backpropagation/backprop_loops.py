"""A correct answer that accumulates the gradient point by point in a loop, then divides by n.

function: backprop
expect: correct
"""
import numpy as np


def backprop(X, y, params):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    grads = {"W1": np.zeros_like(W1, dtype=float), "b1": np.zeros_like(b1, dtype=float),
             "W2": np.zeros_like(W2, dtype=float), "b2": 0.0}
    for x, target in zip(X, y):
        h = sigmoid(x @ W1 + b1)
        out = sigmoid(h @ W2 + b2)
        error_term = out - target
        hidden_term = error_term * W2 * h * (1 - h)
        for k in range(len(x)):
            for j in range(len(h)):
                grads["W1"][k, j] += x[k] * hidden_term[j]
        grads["b1"] += hidden_term
        grads["W2"] += error_term * h
        grads["b2"] += float(error_term)
    n = len(X)
    return {key: value / n for key, value in grads.items()}
