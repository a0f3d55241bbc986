"""A correct answer with np.dot, np.sum / len and a sigmoid_prime helper on the pre-activations.

function: backprop
expect: correct
"""
import numpy as np


def backprop(X, y, params):
    X = np.array(X, dtype=float)
    y = np.array(y, dtype=float)
    z1 = np.dot(X, params["W1"]) + params["b1"]
    hidden = sigmoid(z1)
    output = sigmoid(np.dot(hidden, params["W2"]) + params["b2"])
    error_term = output - y
    hidden_error = error_term[:, None] * params["W2"][None, :] * sigmoid(z1) * (1 - sigmoid(z1))
    return {
        "W1": np.dot(X.T, hidden_error) / len(y),
        "b1": np.sum(hidden_error, axis=0) / len(y),
        "W2": np.dot(hidden.T, error_term) / len(y),
        "b2": np.sum(error_term) / len(y),
    }
