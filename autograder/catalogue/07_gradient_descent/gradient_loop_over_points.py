"""A correct answer that loops over the points and adds up each point's gradient -(y - p) x.

function: log_loss_gradient
expect: correct
"""
import numpy as np


def log_loss_gradient(X, y, W, b):
    n = len(X)
    dW = np.zeros(len(W))
    db = 0.0
    for x_i, y_i in zip(X, y, strict=True):
        x_i = np.asarray(x_i, dtype=float)
        p_i = sigmoid(np.dot(x_i, W) + b)  # noqa: F821 (given in the notebook)
        dW = dW - (y_i - p_i) * x_i
        db = db - (y_i - p_i)
    return dW / n, db / n
