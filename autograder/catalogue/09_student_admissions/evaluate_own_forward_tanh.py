"""A correct answer with its own forward pass (a tanh-based sigmoid) and np.where.

function: evaluate
expect: correct
"""
import numpy as np


def evaluate(X, y, params):
    def logistic(t):
        return 0.5 * (1 + np.tanh(t / 2))

    hidden = logistic(np.dot(np.asarray(X, dtype=float), params["W1"]) + params["b1"])
    output = logistic(np.dot(hidden, params["W2"]) + params["b2"])
    predictions = np.where(output >= 0.5, 1, 0)
    return np.mean(predictions == np.array(y))
