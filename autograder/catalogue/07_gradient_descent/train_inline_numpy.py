"""A correct answer written from scratch: no helper calls, np.dot, integer zeros to start, losses as an array.

function: train_logistic_regression
expect: correct
"""
import numpy as np


def train_logistic_regression(X, y, learn_rate=0.1, epochs=1000):
    X = np.array(X)
    y = np.array(y)
    n, d = X.shape
    W = np.zeros(d, dtype=int)
    b = 0
    losses = np.empty(epochs)
    for epoch in range(epochs):
        p = 1 / (1 + np.exp(-(np.dot(X, W) + b)))
        W = W - learn_rate * np.dot(X.T, p - y) / n
        b = b - learn_rate * np.mean(p - y)
        p = 1 / (1 + np.exp(-(np.dot(X, W) + b)))
        losses[epoch] = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    return W, b, losses
