"""Off by one: loops over range(1, epochs), so it takes one step too few.

function: train_logistic_regression
expect: wrong
must_fail: test_train_logistic_regression_first_steps, test_train_logistic_regression_loss_goes_down, test_train_logistic_regression_hidden, test_train_logistic_regression_long_run
"""
import numpy as np


def train_logistic_regression(X, y, learn_rate=0.1, epochs=1000):
    X = np.asarray(X, dtype=float)
    W = np.zeros(X.shape[1])
    b = 0.0
    losses = []
    for _ in range(1, epochs):
        W, b = gradient_descent_step(X, y, W, b, learn_rate)  # noqa: F821 (defined in the notebook)
        losses.append(log_loss(y, predict_proba(X, W, b)))  # noqa: F821 (defined in the notebook)
    return W, b, losses
