"""Ignores its learn_rate argument and always steps with the default 0.1.

function: train_logistic_regression
expect: wrong
must_fail: test_train_logistic_regression_first_steps, test_train_logistic_regression_hidden, test_train_logistic_regression_long_run
"""
import numpy as np


def train_logistic_regression(X, y, learn_rate=0.1, epochs=1000):
    X = np.asarray(X, dtype=float)
    W = np.zeros(X.shape[1])
    b = 0.0
    losses = []
    for _ in range(epochs):
        W, b = gradient_descent_step(X, y, W, b, 0.1)  # noqa: F821 (defined in the notebook)
        losses.append(log_loss(y, predict_proba(X, W, b)))  # noqa: F821 (defined in the notebook)
    return W, b, losses
