"""Records the error before each step instead of after it: the first loss is ln k.

function: train_softmax_regression
expect: wrong
must_fail: test_train_softmax_regression_first_steps
"""
import numpy as np


def train_softmax_regression(X, Y, learn_rate=0.1, epochs=1000):
    X = np.asarray(X, dtype=float)
    Y = np.asarray(Y, dtype=float)
    W, b = np.zeros((X.shape[1], Y.shape[1])), np.zeros(Y.shape[1])
    losses = []
    for _ in range(epochs):
        losses.append(softmax_cross_entropy(Y, X @ W + b))  # noqa: F821 (defined in the notebook)
        dW, db = softmax_regression_gradient(X, Y, W, b)  # noqa: F821 (defined in the notebook)
        W, b = W - learn_rate * dW, b - learn_rate * db
    return W, b, losses
