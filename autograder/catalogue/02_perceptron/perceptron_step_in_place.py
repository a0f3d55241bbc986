"""Right values, but W += ... on np.asarray(W) changes the caller's array (and fails on integer arrays).

function: perceptron_step
expect: wrong
must_fail: test_perceptron_step_not_modified, test_perceptron_step_hidden
"""
import numpy as np


def perceptron_step(X, y, W, b, learn_rate=0.01):
    X = np.asarray(X, dtype=float)
    W = np.asarray(W)
    for x, label in zip(X, y):
        y_hat = step(x @ W + b)
        if label == 1 and y_hat == 0:
            W += learn_rate * x
            b += learn_rate
        elif label == 0 and y_hat == 1:
            W -= learn_rate * x
            b -= learn_rate
    return W, b
