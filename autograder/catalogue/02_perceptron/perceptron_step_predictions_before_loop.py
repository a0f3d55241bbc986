"""Computes all the predictions before the loop, then updates one point at a time with those stale predictions.

function: perceptron_step
expect: wrong
must_fail: test_perceptron_step_in_order, test_perceptron_step_hidden
"""
import numpy as np


def perceptron_step(X, y, W, b, learn_rate=0.01):
    X = np.asarray(X, dtype=float)
    W = np.array(W, dtype=float)
    predictions = step(X @ W + b)
    for x, label, y_hat in zip(X, y, predictions):
        if label == 1 and y_hat == 0:
            W = W + learn_rate * x
            b = b + learn_rate
        elif label == 0 and y_hat == 1:
            W = W - learn_rate * x
            b = b - learn_rate
    return W, b
