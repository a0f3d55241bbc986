"""A correct answer with powers: p ** y * (1 - p) ** (1 - y) is p when y = 1 and 1 - p when y = 0.

function: likelihood
expect: correct
"""
import numpy as np


def likelihood(y, p):
    y, p = np.asarray(y), np.asarray(p)
    return np.prod(p ** y * (1 - p) ** (1 - y))
