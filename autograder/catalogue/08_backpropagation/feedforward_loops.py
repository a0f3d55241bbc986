"""A correct answer with explicit loops over the points and the hidden nodes, and math.exp.

function: feedforward
expect: correct
"""
import math

import numpy as np


def feedforward(X, params):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    hidden_rows, outputs = [], []
    for x in X:
        row = []
        for j in range(len(b1)):
            z = b1[j] + sum(x[k] * W1[k][j] for k in range(len(x)))
            row.append(1 / (1 + math.exp(-z)))
        hidden_rows.append(row)
        z = b2 + sum(h * w for h, w in zip(row, W2))
        outputs.append(1 / (1 + math.exp(-z)))
    return np.array(outputs), np.array(hidden_rows)
