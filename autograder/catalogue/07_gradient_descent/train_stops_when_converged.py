"""Stops once the loss stops changing, so when training has converged early there are fewer than epochs losses.

function: train_logistic_regression
expect: wrong
must_fail: test_train_logistic_regression_hidden
"""
import numpy as np


def train_logistic_regression(X, y, learn_rate=0.1, epochs=1000):
    X = np.asarray(X, dtype=float)
    W, b = np.zeros(X.shape[1]), 0.0
    losses = []
    for _ in range(epochs):
        W, b = gradient_descent_step(X, y, W, b, learn_rate)  # noqa: F821 (defined in the notebook)
        losses.append(log_loss(y, predict_proba(X, W, b)))  # noqa: F821
        if len(losses) > 1 and abs(losses[-2] - losses[-1]) < 1e-12:
            break  # converged
    return W, b, losses
