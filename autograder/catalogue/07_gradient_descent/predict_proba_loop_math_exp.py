"""A correct answer with a Python loop over the points and math.exp.

function: predict_proba
expect: correct
"""
import math

import numpy as np


def predict_proba(X, W, b):
    probabilities = []
    for row in X:
        score = sum(x * w for x, w in zip(row, W, strict=True)) + b
        probabilities.append(1 / (1 + math.exp(-score)))
    return np.array(probabilities)
