"""A correct answer written as W @ X.T + b (one dot product per column of X.T).

function: score
expect: correct
"""
import numpy as np


def score(X, W, b):
    return np.asarray(W) @ np.asarray(X).T + b
