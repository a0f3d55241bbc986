"""A correct answer that calls the notebook's own gradient_descent_step in a while loop and logs with np.logaddexp.

function: train_logistic_regression
expect: correct
"""
import numpy as np


def train_logistic_regression(X, y, learn_rate=0.1, epochs=1000):
    W = np.zeros(len(X[0]))
    b = 0.0
    losses = []
    epoch = 0
    while epoch < epochs:
        W, b = gradient_descent_step(X, y, W, b, learn_rate)  # noqa: F821 (defined in the notebook)
        scores = np.asarray(X, dtype=float) @ W + b
        signs = 2 * np.asarray(y) - 1
        losses.append(float(np.mean(np.logaddexp(0, -signs * scores))))
        epoch += 1
    return W, b, losses
