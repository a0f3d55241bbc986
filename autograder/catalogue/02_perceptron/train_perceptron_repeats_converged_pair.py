"""Stops when an epoch changes nothing and fills the rest of the list with that same pair, one object repeated.

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
            history += [history[-1]] * (num_epochs - len(history))  # nothing changes any more
            break
        W, b = new_W, new_b
    return history
