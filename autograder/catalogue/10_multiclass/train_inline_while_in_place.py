"""A correct answer with a while loop, the gradient written inline and in-place updates of its own arrays.

function: train_softmax_regression
expect: correct
"""
import numpy as np


def train_softmax_regression(X, Y, learn_rate=0.1, epochs=1000):
    X = np.array(X, dtype=float)
    Y = np.array(Y, dtype=float)
    n, d = X.shape
    W = np.zeros((d, Y.shape[1]))
    b = np.zeros(Y.shape[1])
    losses = []
    epoch = 0
    while epoch < epochs:
        Z = X @ W + b
        P = np.exp(Z - Z.max(axis=1, keepdims=True))
        P /= P.sum(axis=1, keepdims=True)
        W -= learn_rate * X.T @ (P - Y) / n
        b -= learn_rate * (P - Y).mean(axis=0)
        Z = X @ W + b
        m = Z.max(axis=1, keepdims=True)
        losses.append(float(np.mean(np.sum(-Y * (Z - m - np.log(np.exp(Z - m).sum(axis=1, keepdims=True))), axis=1))))
        epoch += 1
    return W, b, losses
