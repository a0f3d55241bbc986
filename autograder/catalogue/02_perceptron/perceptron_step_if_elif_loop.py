"""A correct answer with plain Python loops over the coordinates and an explicit if/elif, on a copy of W.

function: perceptron_step
expect: correct
"""
import numpy as np


def perceptron_step(X, y, W, b, learn_rate=0.01):
    W = np.array(W, dtype=float)
    for point, label in zip(X, y):
        score = b
        for j in range(len(W)):
            score += W[j] * point[j]
        if score >= 0:
            prediction = 1
        else:
            prediction = 0
        if label == 1 and prediction == 0:
            for j in range(len(W)):
                W[j] += learn_rate * point[j]
            b += learn_rate
        elif label == 0 and prediction == 1:
            for j in range(len(W)):
                W[j] -= learn_rate * point[j]
            b -= learn_rate
    return W, b
