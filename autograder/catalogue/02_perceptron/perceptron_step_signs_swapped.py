"""Swaps the two cases: subtracts for a point labelled 1 and adds for a point labelled 0 (pushes the line away).

function: perceptron_step
expect: wrong
must_fail: test_perceptron_step_one_point, test_perceptron_step_in_order, test_perceptron_step_hidden
"""
import numpy as np


def perceptron_step(X, y, W, b, learn_rate=0.01):
    X = np.asarray(X, dtype=float)
    W = np.array(W, dtype=float)
    for x, label in zip(X, y):
        y_hat = step(x @ W + b)
        if label == 1 and y_hat == 0:
            W = W - learn_rate * x
            b = b - learn_rate
        elif label == 0 and y_hat == 1:
            W = W + learn_rate * x
            b = b + learn_rate
    return W, b
