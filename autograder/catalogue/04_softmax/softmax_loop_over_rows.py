"""A correct answer with a Python loop over the rows, and the 1-D case treated as a single row.

function: softmax
expect: correct
"""
import numpy as np


def softmax(z):
    z = np.asarray(z, dtype=float)
    if z.ndim == 1:
        e = np.exp(z - np.max(z))
        return e / np.sum(e)
    result = np.zeros_like(z)
    for i, row in enumerate(z):
        e = np.exp(row - np.max(row))
        result[i] = e / np.sum(e)
    return result
