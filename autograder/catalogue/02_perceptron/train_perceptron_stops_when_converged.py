"""Stops as soon as an epoch changes nothing, so a problem learnt early gives fewer than num_epochs pairs.

function: train_perceptron
expect: wrong
must_fail: test_train_perceptron_hidden
"""
import numpy as np


def train_perceptron(X, y, W, b, learn_rate=0.01, num_epochs=25):
    history = []
    for _ in range(num_epochs):
        new_W, new_b = perceptron_step(X, y, W, b, learn_rate)  # noqa: F821 (defined in the notebook)
        history.append((np.array(new_W, dtype=float), float(new_b)))
        if np.array_equal(new_W, W) and new_b == b:
            break  # converged: no point was misclassified in this epoch
        W, b = new_W, new_b
    return history
