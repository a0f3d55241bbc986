"""A correct answer with an if/else per point, and a single point handled on its own.

function: predict
expect: correct
"""
import numpy as np


def predict(X, W, b):
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        return 1 if score(X, W, b) >= 0 else 0
    labels = []
    for row in X:
        if score(row, W, b) >= 0:
            labels.append(1)
        else:
            labels.append(0)
    return np.array(labels)
