"""Stops once the loss stops changing, so at a point where the gradient is zero it returns a single loss.

function: train_network
expect: wrong
must_fail: test_train_network_hidden
"""
import numpy as np


def train_network(X, y, params, learn_rate=1.0, epochs=1000):
    current = {key: np.array(value, dtype=float) for key, value in params.items()}
    losses = []
    for _ in range(epochs):
        gradients = backprop(X, y, current)  # noqa: F821 (defined in the notebook)
        current = {key: current[key] - learn_rate * gradients[key] for key in current}
        losses.append(log_loss(y, feedforward(X, current)[0]))  # noqa: F821
        if len(losses) > 1 and abs(losses[-2] - losses[-1]) < 1e-12:
            break  # converged
    return current, losses
