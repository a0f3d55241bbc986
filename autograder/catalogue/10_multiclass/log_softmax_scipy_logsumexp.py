"""A correct answer with scipy's logsumexp, which subtracts the largest score itself.

function: log_softmax
expect: correct
"""
import numpy as np
from scipy.special import logsumexp


def log_softmax(Z):
    Z = np.asarray(Z, dtype=float)
    return Z - logsumexp(Z, axis=-1, keepdims=True)
