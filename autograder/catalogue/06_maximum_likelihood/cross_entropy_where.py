"""A correct answer: picks p or 1 - p with np.where, then sums the negative logarithms.

function: cross_entropy
expect: correct
"""
import numpy as np


def cross_entropy(y, p):
    y, p = np.asarray(y), np.asarray(p)
    return -np.log(np.where(y == 1, p, 1 - p)).sum()
