"""A correct answer that runs the loop with nnhelpers.training.train (which may print a progress bar on stderr).

function: train_network
expect: correct
"""
import numpy as np

from nnhelpers.training import train


def train_network(X, y, params, learn_rate=1.0, epochs=1000):
    start = {key: np.array(value, dtype=float) for key, value in params.items()}

    def step(current):
        grads = backprop(X, y, current)
        return {key: current[key] - learn_rate * grads[key] for key in current}

    return train(step, start, epochs, loss=lambda current: log_loss(y, feedforward(X, current)[0]))
