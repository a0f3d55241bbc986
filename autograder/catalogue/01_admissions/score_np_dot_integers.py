"""A correct answer with np.dot that keeps integer inputs as integers.

function: score
expect: correct
"""
import numpy as np


def score(X, W, b):
    return np.dot(X, W) + b
