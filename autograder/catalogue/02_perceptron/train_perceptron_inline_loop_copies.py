"""A correct answer that writes the epochs out without calling perceptron_step and appends W.copy() each time.

function: train_perceptron
expect: correct
"""
import numpy as np


def train_perceptron(X, y, W, b, learn_rate=0.01, num_epochs=25):
    X = np.asarray(X, dtype=float)
    W = np.array(W, dtype=float)
    b = float(b)
    history = []
    for _ in range(num_epochs):
        for x, label in zip(X, y):
            error = label - step(np.dot(x, W) + b)
            if error != 0:
                W += learn_rate * error * x
                b += learn_rate * error
        history.append((W.copy(), b))
    return history
