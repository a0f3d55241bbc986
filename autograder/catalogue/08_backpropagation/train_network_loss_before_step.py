"""Records the loss before each step instead of after it, so losses[0] is the loss of the starting params.

function: train_network
expect: wrong
must_fail: test_train_network_one_step, test_train_network_hidden
"""
import numpy as np


def train_network(X, y, params, learn_rate=1.0, epochs=1000):
    current = {name: np.array(value, dtype=float) for name, value in params.items()}
    losses = []
    for _ in range(epochs):
        losses.append(log_loss(y, feedforward(X, current)[0]))
        gradients = backprop(X, y, current)
        current = {name: current[name] - learn_rate * gradients[name] for name in current}
    return current, losses
