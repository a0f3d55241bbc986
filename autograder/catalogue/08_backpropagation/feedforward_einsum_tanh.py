"""A correct answer with np.einsum and the tanh form of the sigmoid, 0.5 * (1 + tanh(t / 2)).

function: feedforward
expect: correct
"""
import numpy as np


def feedforward(X, params):
    X = np.asarray(X, dtype=float)
    hidden = 0.5 * (1 + np.tanh((np.einsum("nd,dh->nh", X, params["W1"]) + params["b1"]) / 2))
    output = 0.5 * (1 + np.tanh((np.einsum("nh,h->n", hidden, params["W2"]) + params["b2"]) / 2))
    return output, hidden
