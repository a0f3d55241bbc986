"""Predicts with score > 0 instead of >= 0, so a point exactly on the line is predicted as 0.

function: perceptron_step
expect: wrong
must_fail: test_perceptron_step_on_the_line, test_perceptron_step_hidden
"""
import numpy as np


def perceptron_step(X, y, W, b, learn_rate=0.01):
    X = np.asarray(X, dtype=float)
    W = np.array(W, dtype=float)
    for x, label in zip(X, y):
        y_hat = 1 if x @ W + b > 0 else 0
        if label == 1 and y_hat == 0:
            W = W + learn_rate * x
            b = b + learn_rate
        elif label == 0 and y_hat == 1:
            W = W - learn_rate * x
            b = b - learn_rate
    return W, b
