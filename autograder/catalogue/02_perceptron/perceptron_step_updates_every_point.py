"""Moves the line for every point, also the correctly classified ones (towards label 1, away for label 0).

function: perceptron_step
expect: wrong
must_fail: test_perceptron_step_one_point, test_perceptron_step_on_the_line, test_perceptron_step_hidden
"""
import numpy as np


def perceptron_step(X, y, W, b, learn_rate=0.01):
    X = np.asarray(X, dtype=float)
    W = np.array(W, dtype=float)
    for x, label in zip(X, y):
        direction = 1 if label == 1 else -1
        W = W + direction * learn_rate * x
        b = b + direction * learn_rate
    return W, b
