"""A correct answer with np.where: both branches are computed (with warnings and a nan), the right one is kept.

function: sigmoid
expect: correct
"""
import numpy as np


def sigmoid(x):
    x = np.asarray(x, dtype=float)
    return np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x)))
