"""Copies each parameter with np.copy (keeping its dtype) and updates in place, which fails for integer weights.

function: train_network
expect: wrong
must_fail: test_train_network_hidden
"""
import numpy as np


def train_network(X, y, params, learn_rate=1.0, epochs=1000):
    current = {key: np.copy(value) for key, value in params.items()}
    losses = []
    for _ in range(epochs):
        gradients = backprop(X, y, current)  # noqa: F821 (defined in the notebook)
        for key in current:
            current[key] -= learn_rate * gradients[key]
        losses.append(log_loss(y, feedforward(X, current)[0]))  # noqa: F821
    return current, losses
