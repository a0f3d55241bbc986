"""A correct answer through logarithms: exp of the sum of ln(y p + (1 - y)(1 - p)).

function: likelihood
expect: correct
"""
import numpy as np


def likelihood(y, p):
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    return np.exp(np.sum(np.log(y * p + (1 - y) * (1 - p))))
