"""Records the total log-loss (a sum over the points) instead of the mean.

function: train_network
expect: wrong
must_fail: test_train_network_one_step, test_train_network_hidden
"""
import numpy as np


def train_network(X, y, params, learn_rate=1.0, epochs=1000):
    y = np.asarray(y, dtype=float)
    current = {name: np.array(value, dtype=float) for name, value in params.items()}
    losses = []
    for _ in range(epochs):
        gradients = backprop(X, y, current)
        current = {name: current[name] - learn_rate * gradients[name] for name in current}
        p = feedforward(X, current)[0]
        losses.append(float(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))))
    return current, losses
