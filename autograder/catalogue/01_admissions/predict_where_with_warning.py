"""A correct answer with np.where that also prints a warning on stderr.

function: predict
expect: correct
"""
import warnings

import numpy as np


def predict(X, W, b):
    warnings.warn("checking the threshold", stacklevel=2)
    return np.where(np.dot(X, W) + b >= 0, 1, 0)[()]
