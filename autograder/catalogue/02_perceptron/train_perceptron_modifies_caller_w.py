"""Keeps correct snapshots, but writes each epoch's weights back into the caller's W array.

function: train_perceptron
expect: wrong
must_fail: test_train_perceptron_snapshots, test_train_perceptron_hidden
"""
import numpy as np


def train_perceptron(X, y, W, b, learn_rate=0.01, num_epochs=25):
    W = np.asarray(W, dtype=float)
    history = []
    for _ in range(num_epochs):
        new_W, b = perceptron_step(X, y, W, b, learn_rate)
        W[:] = new_W
        history.append((W.copy(), b))
    return history
