"""A correct answer: copies W once with np.array(W, dtype=float), then updates the copy in place; prints to stderr.

function: perceptron_step
expect: correct
"""
import sys

import numpy as np


def perceptron_step(X, y, W, b, learn_rate=0.01):
    X = np.array(X, dtype=float)
    W = np.array(W, dtype=float)
    updates = 0
    for x, label in zip(X, y):
        prediction = step(W @ x + b)
        if prediction == 0 and label == 1:
            W += learn_rate * x
            b += learn_rate
            updates += 1
        elif prediction == 1 and label == 0:
            W -= learn_rate * x
            b -= learn_rate
            updates += 1
    print(f"perceptron_step: {updates} updates", file=sys.stderr)
    return W, b
