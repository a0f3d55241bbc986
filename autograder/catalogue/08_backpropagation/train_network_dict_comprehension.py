"""A correct answer: copies with a dict comprehension, then builds a new dict each step from its own backprop.

function: train_network
expect: correct
"""
import numpy as np


def train_network(X, y, params, learn_rate=1.0, epochs=1000):
    params = {key: np.copy(value) for key, value in params.items()}
    losses = []
    for _ in range(epochs):
        grads = backprop(X, y, params)
        params = {key: params[key] - learn_rate * grads[key] for key in params}
        losses.append(log_loss(y, feedforward(X, params)[0]))
    return params, losses
