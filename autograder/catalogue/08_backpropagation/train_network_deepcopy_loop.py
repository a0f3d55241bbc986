"""A correct answer: copy.deepcopy of params, out-of-place updates, and an own mean log-loss.

function: train_network
expect: correct
"""
import copy

import numpy as np


def train_network(X, y, params, learn_rate=1.0, epochs=1000):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    new_params = copy.deepcopy(params)
    losses = []
    epoch = 0
    while epoch < epochs:
        grads = backprop(X, y, new_params)
        new_params["W1"] = new_params["W1"] - learn_rate * grads["W1"]
        new_params["b1"] = new_params["b1"] - learn_rate * grads["b1"]
        new_params["W2"] = new_params["W2"] - learn_rate * grads["W2"]
        new_params["b2"] = new_params["b2"] - learn_rate * grads["b2"]
        output, _ = feedforward(X, new_params)
        losses.append(np.mean(-(y * np.log(output) + (1 - y) * np.log(1 - output))))
        epoch += 1
    return new_params, losses
