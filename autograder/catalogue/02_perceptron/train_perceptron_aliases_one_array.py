"""Overwrites one array in place every epoch and appends it each time, so every snapshot shows the last W.

function: train_perceptron
expect: wrong
must_fail: test_train_perceptron_history, test_train_perceptron_snapshots, test_train_perceptron_hidden
"""
import numpy as np


def train_perceptron(X, y, W, b, learn_rate=0.01, num_epochs=25):
    weights = np.array(W, dtype=float)
    history = []
    for _ in range(num_epochs):
        new_W, b = perceptron_step(X, y, weights, b, learn_rate)
        weights[:] = new_W
        history.append((weights, b))
    return history
