"""A correct answer that folds both cases into one update with the error y - y_hat (+1, -1 or 0).

function: perceptron_step
expect: correct
"""
import numpy as np


def perceptron_step(X, y, W, b, learn_rate=0.01):
    X = np.asarray(X, dtype=float)
    W = np.array(W, dtype=float)
    for i in range(len(X)):
        error = y[i] - step(np.dot(X[i], W) + b)
        W = W + learn_rate * error * X[i]
        b = b + learn_rate * error
    return W, b
