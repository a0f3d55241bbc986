"""Puts the starting (W, b) at the front of the list: num_epochs + 1 pairs, each one epoch late.

function: train_perceptron
expect: wrong
must_fail: test_train_perceptron_history, test_train_perceptron_snapshots, test_train_perceptron_hidden
"""
import numpy as np


def train_perceptron(X, y, W, b, learn_rate=0.01, num_epochs=25):
    history = [(np.array(W, dtype=float), b)]
    for _ in range(num_epochs):
        W, b = perceptron_step(X, y, W, b, learn_rate)
        history.append((W, b))
    return history
