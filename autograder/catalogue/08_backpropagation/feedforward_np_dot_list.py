"""A correct answer with np.dot that returns a list [output, hidden] instead of a tuple.

function: feedforward
expect: correct
"""
import numpy as np


def feedforward(X, params):
    hidden = sigmoid(np.dot(X, params["W1"]) + params["b1"])
    return [sigmoid(np.dot(hidden, params["W2"]) + params["b2"]), hidden]
